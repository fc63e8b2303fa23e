"""``python -m bench.linkage [--quick]``: the linkage benchmark alone."""

import argparse
from pathlib import Path

from bench.linkage.run import run

parser = argparse.ArgumentParser(prog="python -m bench.linkage")
parser.add_argument("--quick", action="store_true", help="5,000-record runs, RESULTS.md untouched")
args = parser.parse_args()
run(Path(__file__).resolve().parents[1] / "RESULTS.md", quick=args.quick)
