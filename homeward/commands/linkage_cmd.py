"""`homeward linkage evaluate`: measure linkage accuracy on your own data (issue: linkage)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("linkage", help="measure linkage accuracy")
    actions = group.add_subparsers(dest="action", required=True)
    evaluate = actions.add_parser("evaluate", help="not implemented yet")
    evaluate.set_defaults(handler=evaluate_command)


def evaluate_command(args: argparse.Namespace) -> int:
    raise NotImplementedError("homeward linkage evaluate is not implemented yet (issue 3)")
