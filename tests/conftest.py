"""Shared test helpers: paths to the copied reference material and the vector loader."""

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parent / "data"  # copies of ../shared material, see its README
SAMPLES_903 = SHARED / "samples" / "903"
VECTORS = Path(__file__).resolve().parent / "vectors"


def load_vectors(name: str) -> Any:
    """Known-answer vectors from tests/vectors/<name>.json."""
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def shared_dir() -> Path:
    return SHARED
