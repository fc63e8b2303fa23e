"""The linkage benchmark: ``run(quick=False)`` returns its results for bench/results/linkage.json.

For each dataset (synthetic children's records at 1 % and 10 % overlap, FEBRL4) it writes the
three CSV files, runs ``homeward linkage evaluate`` on them (the CLI itself, in process), runs
the clkhash + anonlink reference on the same two files, and scores both with the same code.
Then it measures connector throughput and prints a table. The issue's targets travel in the
results, so the report compares like with like (bench.report renders RESULTS.md from them).
"""

import contextlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.linkage import datasets, throughput
from bench.tables import linkage_section
from homeward import cli
from homeward.linkage import evaluate
from homeward.linkage.records import Schemes, read_people, read_truth
from homeward.synthetic import linkage as synth

HERE = Path(__file__).resolve().parent
CLK_VENV = HERE / ".venv-clk"
CLK_PACKAGES = ("clkhash==0.18.3", "anonlink==0.15.3")
CLK_THRESHOLDS = (0.7, 0.8, 0.85, 0.9)
CLK_REVIEW_BAND = 0.1  # the reference's own review queue: Dice within 0.1 below the threshold
HOMEWARD = "homeward (match keys + second stage)"
MATCH_KEYS_ONLY = "homeward match keys only"
SYNTHETIC = ("synthetic-1pc", "synthetic-10pc", "hardened-1pc", "hardened-10pc")


@dataclass(frozen=True, slots=True)
class Row:
    dataset: str
    method: str
    metrics: dict[str, float | int]


TARGETS = (  # issues 3 and 11; "datasets" name the rows a target is measured on
    ("automatic links: precision", "precision", "at_least", 0.999, SYNTHETIC),
    ("false alarms per thousand non-matching queries", "false_alarms_per_1000", "at_most", 1),
    ("recall over pairs sharing an NHS number or UPN", "recall_id_pairs", "at_least", 0.98),
    ("recall over the other pairs", "recall_other_pairs", "at_least", 0.93),
    ("recall including the review queue", "recall_with_review", "at_least", 0.99),
    (
        "review flags per thousand non-matching queries",
        "review_false_alarms_per_1000",
        "at_most",
        5,
    ),
    ("FEBRL4, all fields: F1", "f1", "at_least", 0.99, ("febrl4",)),
    ("connector, one core, cold caches (records/s)", "cold_records_per_second", "at_least", 1e5),
    (
        "connector with the second stage, one core, cold (records/s)",
        "with_second_stage_cold_records_per_second",
        "at_least",
        4e4,
    ),
)


def run(*, quick: bool = False) -> dict[str, Any]:
    size = 5_000 if quick else 50_000
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="homeward-linkage-") as tmp:
        work = Path(tmp)
        sets = [
            datasets.synthetic(
                work,
                synth.Spec(left=size, right=size, overlap=o, seed=11),
                f"synthetic-{round(o * 100)}pc",
            )
            for o in (0.01, 0.10)
        ]
        sets += [
            datasets.synthetic(
                work, synth.hardened(size, size, o, seed=11), f"hardened-{round(o * 100)}pc"
            )
            for o in (0.01, 0.10)
        ]
        sets.append(datasets.febrl4(work))
        python = _clk_python()
        for files in sets:
            rows.append(Row(files.name, HOMEWARD, _homeward(files, work)))
            rows.append(Row(files.name, MATCH_KEYS_ONLY, _homeward(files, work, first_only=True)))
            print(f"  {files.name}: homeward done", flush=True)
            if python is not None:
                rows += _clk(python, files, work)
                print(f"  {files.name}: clk reference done", flush=True)
    speed = throughput.run(20_000 if quick else 100_000, repeats=2 if quick else 5)
    body = {
        "throughput": speed,
        "clk_reference": python is not None,
        "targets": [_target(*t) for t in TARGETS],
        "rows": [{"dataset": r.dataset, "method": r.method, **r.metrics} for r in rows],
    }
    print(linkage_section(body))
    return body


def _target(
    name: str, metric: str, kind: str, bound: float, sets: tuple[str, ...] = SYNTHETIC
) -> dict[str, Any]:
    return {"name": name, "metric": metric, kind: bound, "datasets": sets, "method": HOMEWARD}


def _homeward(
    files: datasets.Files, work: Path, *, first_only: bool = False
) -> dict[str, float | int]:
    argv = [
        "linkage",
        "evaluate",
        str(files.left),
        str(files.right),
        "--truth",
        str(files.truth),
        "--json",
        "--links",
        str(work / f"{files.name}-links.csv"),
    ]
    if files.opaque:
        argv += ["--opaque-ids", "--opaque-postcodes"]
    if first_only:
        argv.append("--match-keys-only")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(argv)
    if code != 0:
        raise RuntimeError(f"homeward linkage evaluate failed on {files.name} ({code})")
    metrics: dict[str, float | int] = json.loads(out.getvalue())
    return metrics


def _clk_python() -> Path | None:
    """The reference's own interpreter, creating its virtual environment when missing."""
    python = CLK_VENV / "bin" / "python"
    if python.exists():
        return python
    print("  creating bench/linkage/.venv-clk for clkhash + anonlink ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(CLK_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *CLK_PACKAGES], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"  clk reference skipped: {exc}", flush=True)
        shutil.rmtree(CLK_VENV, ignore_errors=True)
        return None
    return python


def _clk(python: Path, files: datasets.Files, work: Path) -> list[Row]:
    out = work / f"{files.name}-clk.json"
    subprocess.run(
        [
            str(python),
            str(HERE / "clk_reference.py"),
            str(files.left),
            str(files.right),
            str(out),
            "--fields",
            "homeward",
            "--thresholds",
            *map(str, CLK_THRESHOLDS),
            "--review-band",
            str(CLK_REVIEW_BAND),
        ],
        check=True,
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    schemes = Schemes(opaque_ids=files.opaque, opaque_postcodes=files.opaque)
    left, right = read_people(files.left), read_people(files.right)
    truth = read_truth(files.truth)
    with_ids = evaluate.id_pairs(left, right, truth, schemes)
    seconds = result["encode_seconds"] + result["match_seconds"]
    rows = []
    for threshold, pairs in result["links"].items():
        decisions = [evaluate.LinkDecision(a, b, "link") for a, b in pairs]
        decisions += [
            evaluate.LinkDecision(a, b, "review") for a, b in result["reviews"].get(threshold, [])
        ]
        linkage = evaluate.Linkage(decisions, seconds, result["records"])
        report = evaluate.score(linkage, len(left), [p.id for p in right], truth, with_ids)
        method = (
            f"clkhash+anonlink >= {threshold} (review >= {float(threshold) - CLK_REVIEW_BAND:.2f})"
        )
        rows.append(Row(files.name, method, report.as_dict()))
    return rows
