"""`homeward policy check`: load and validate policy files."""

from __future__ import annotations

import argparse
from pathlib import Path

import policies
from policies import load_policies


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("policy", help="check sharing policies")
    actions = group.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="validate every policies/*.yaml file")
    check.add_argument("directory", type=Path, nargs="?", default=Path(policies.__file__).parent)
    check.set_defaults(handler=check_command)


def check_command(args: argparse.Namespace) -> int:
    loaded = load_policies(args.directory)
    if not loaded.policies:
        print(f"{args.directory}: no policies: everything is denied")
    for p in loaded.policies:
        roles = ", ".join(g.to for g in p.grants)
        print(f"ok  {p.id} v{p.version}: {', '.join(p.when.events)} -> {roles}")
    return 0
