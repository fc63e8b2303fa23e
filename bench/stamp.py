"""The stamp of one benchmark run, written into every results JSON it produces.

Commit (``git rev-parse HEAD``), whether the working tree differed from it (the results files
themselves excepted, since every run rewrites them), a run id, the start time and the machine.
bench.report refuses to render results whose stamps differ.
"""

import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import machine

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("bench/results/", "bench/RESULTS.md")  # written by the run: not "dirty"


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def commit() -> tuple[str, bool]:
    """(HEAD, dirty); ("unknown", True) outside a git checkout."""
    try:
        head = _git("rev-parse", "HEAD").strip()
        changed = [line[3:] for line in _git("status", "--porcelain").splitlines() if line.strip()]
    except (OSError, subprocess.CalledProcessError):
        return "unknown", True
    return head, any(not path.startswith(OUTPUTS) for path in changed)


def run_stamp() -> dict[str, Any]:
    head, dirty = commit()
    started = datetime.now(UTC)
    return {
        "commit": head,
        "dirty": dirty,
        "run": f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}",
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine(),
    }
