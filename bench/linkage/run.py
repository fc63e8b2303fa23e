"""The linkage benchmark: ``run(results_md, quick=False)``.

For each dataset (synthetic children's records at 1 % and 10 % overlap, FEBRL4) it writes the
three CSV files, runs ``homeward linkage evaluate`` on them (the CLI itself, in process), runs
the clkhash + anonlink reference on the same two files, and scores both with the same code.
Then it measures connector throughput, prints a table, writes bench/results/linkage.json and
rewrites the "## Linkage (issue 3)" section of bench/RESULTS.md (a quick run writes
linkage-quick.json and leaves RESULTS.md alone).
"""

import contextlib
import io
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import replace_section
from bench.linkage import datasets, throughput
from homeward import cli
from homeward.linkage import evaluate
from homeward.linkage.records import Schemes, read_people, read_truth
from homeward.synthetic import linkage as synth

HERE = Path(__file__).resolve().parent
CLK_VENV = HERE / ".venv-clk"
CLK_PACKAGES = ("clkhash==0.18.3", "anonlink==0.15.3")
CLK_THRESHOLDS = (0.7, 0.8, 0.85, 0.9)
SECTION = "## Linkage (issue 3)"


@dataclass(frozen=True, slots=True)
class Row:
    dataset: str
    method: str
    metrics: dict[str, float | int]


def run(results_md: Path, *, quick: bool = False) -> list[Row]:
    started = time.perf_counter()
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
        sets.append(datasets.febrl4(work))
        python = _clk_python()
        for files in sets:
            rows.append(Row(files.name, "homeward match keys", _homeward(files, work)))
            print(f"  {files.name}: homeward done", flush=True)
            if python is not None:
                rows += _clk(python, files, work)
                print(f"  {files.name}: clk reference done", flush=True)
    speed = throughput.run(20_000 if quick else 100_000, repeats=2 if quick else 5)
    text = section(rows, speed, python is not None, time.perf_counter() - started)
    print(text)
    _write_json(rows, speed, quick)
    if not quick:
        old = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
        results_md.write_text(replace_section(old, SECTION, text), encoding="utf-8")
    return rows


def _homeward(files: datasets.Files, work: Path) -> dict[str, float | int]:
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
            "csc+id",
            "--thresholds",
            *map(str, CLK_THRESHOLDS),
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
        linkage = evaluate.Linkage(decisions, seconds, result["records"])
        report = evaluate.score(linkage, len(left), [p.id for p in right], truth, with_ids)
        rows.append(Row(files.name, f"clkhash+anonlink >= {threshold}", report.as_dict()))
    return rows


COLUMNS = (
    ("precision", "precision", "{:.4f}"),
    ("recall", "recall", "{:.4f}"),
    ("F1", "f1", "{:.4f}"),
    ("recall ID pairs", "recall_id_pairs", "{:.4f}"),
    ("recall other", "recall_other_pairs", "{:.4f}"),
    ("recall + review", "recall_with_review", "{:.4f}"),
    ("false alarms /1000", "false_alarms_per_1000", "{:.3f}"),
    ("review queue", "review_queue", "{}"),
    ("reviews /1000 non-matching", "review_false_alarms_per_1000", "{:.2f}"),
    ("records/s", "records_per_second", "{:,.0f}"),
)


def table(rows: list[Row]) -> str:
    head = ["dataset", "method", "true pairs", *(c[0] for c in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        m = row.metrics
        cells = [
            row.dataset,
            row.method,
            f"{m['true_pairs']} of {m['right_records']}",
            *(fmt.format(m[key]) for _, key, fmt in COLUMNS),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section(rows: list[Row], speed: dict[str, float], reference: bool, seconds: float) -> str:
    notes = (
        Path(HERE / "NOTES.md").read_text(encoding="utf-8") if (HERE / "NOTES.md").exists() else ""
    )
    lines = [
        SECTION,
        "",
        f"Written by `python -m bench` ({datetime.now(UTC).isoformat(timespec='seconds')}, "
        f"{seconds:.0f} s, Python {platform.python_version()}); do not edit by hand. "
        "Prose: bench/linkage/NOTES.md.",
        "",
        table(rows),
        "",
        "Connector throughput, one core, normalise + every match key "
        f"({speed['tokens_per_record']:.2f} tokens per record, {speed['records']:,} records): "
        f"**{speed['cold_records_per_second']:,.0f} records/s** cold caches, "
        f"{speed['warm_records_per_second']:,.0f} records/s warm (target 100,000).",
        "",
    ]
    if not reference:
        lines += ["The clkhash + anonlink reference could not be installed on this run.", ""]
    return "\n".join(lines) + ("\n" + notes if notes else "")


def _write_json(rows: list[Row], speed: dict[str, float], quick: bool) -> None:
    results = HERE.parent / "results"
    results.mkdir(exist_ok=True)
    path = results / f"linkage{'-quick' if quick else ''}.json"
    document = {
        "benchmark": "linkage",
        "quick": quick,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "throughput": speed,
        "rows": [{"dataset": r.dataset, "method": r.method, **r.metrics} for r in rows],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
