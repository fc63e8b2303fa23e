"""The CLI reference in README.md is the real `--help` output.

Refresh it with: python -m tests.unit.test_readme --write
"""

import contextlib
import io
import os
import re
import sys
from pathlib import Path

from homeward.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = re.compile(r"<!-- help: (?P<args>[^>]*?) -->\n(?:```text\n.*?```\n)?", re.DOTALL)
WIDTH = "100"


def real_help(args: str) -> str:
    previous, os.environ["COLUMNS"] = os.environ.get("COLUMNS"), WIDTH
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            build_parser().parse_args(args.split())
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return out.getvalue()


def rendered(text: str) -> str:
    return MARKER.sub(
        lambda m: (
            f"<!-- help: {m['args']} -->\n```text\n"
            f"$ homeward {m['args']}\n{real_help(m['args'])}```\n"
        ),
        text,
    )


def test_readme_cli_reference_matches_the_real_help() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(MARKER.findall(text)) >= 5
    assert text == rendered(text), "run: python -m tests.unit.test_readme --write"


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    README.write_text(rendered(README.read_text(encoding="utf-8")), encoding="utf-8")
