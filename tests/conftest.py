"""Shared test helpers: paths to the copied reference material and the vector loader."""

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parent / "data"  # copies of ../shared material, see its README
SAMPLES_903 = SHARED / "samples" / "903"
VECTORS = Path(__file__).resolve().parent / "vectors"

# Hypothesis's per-example deadline is a wall-clock assertion: on a loaded machine it fails
# tests whose behaviour is right. Properties are checked without one.
settings.register_profile("homeward", deadline=None)
settings.load_profile("homeward")


def load_vectors(name: str) -> Any:
    """Known-answer vectors from tests/vectors/<name>.json."""
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def shared_dir() -> Path:
    return SHARED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line CI can check: how many PostgreSQL tests ran, and how many were skipped."""
    counts = {"passed": 0, "skipped": 0, "failed": 0}
    for outcome in counts:
        counts[outcome] = sum(
            1
            for report in terminalreporter.stats.get(outcome, [])
            if "postgres" in getattr(report, "keywords", {})
            and getattr(report, "when", "call") in ("call", "setup")
        )
    terminalreporter.write_line(
        "postgres tests: {passed} passed, {skipped} skipped, {failed} failed".format(**counts)
    )
