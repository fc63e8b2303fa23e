"""`homeward demo`: the end-to-end story on synthetic data."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="run the end-to-end story on synthetic councils")
    demo.add_argument("--workdir", type=Path, help="keep everything made here for inspection")
    demo.add_argument("--children", type=int, default=400, help="looked-after children per council")
    demo.add_argument("--seed", type=int, default=2026)
    demo.set_defaults(handler=demo_command)


def demo_command(args: argparse.Namespace) -> int:
    from homeward.demo import run_demo

    return run_demo(workdir=args.workdir, children=args.children, seed=args.seed)
