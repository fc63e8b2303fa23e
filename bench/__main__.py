"""``python -m bench [--quick] [--only connector|ingest|latency|linkage]``

Runs the benchmarks, prints a table per benchmark and writes ``bench/results/<name>.json``. A full
run also rewrites the "End-to-end path (issue 2)" section of ``bench/RESULTS.md`` from those JSON
files, leaving every other section (such as the linkage one) as it was; a quick run writes
``<name>-quick.json`` and leaves RESULTS.md alone. The linkage benchmark is
``bench.linkage.run(results_md, quick=...)``, skipped when it cannot be imported.
"""

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench import connector_throughput, hub_ingest, notify_latency
from bench.common import Measurement, machine, replace_section, table

HERE = Path(__file__).parent
RESULTS_DIR = HERE / "results"
RESULTS_MD = HERE / "RESULTS.md"
SECTION = "## End-to-end path (issue 2)"
BENCHMARKS: dict[str, Callable[..., list[Measurement]]] = {
    connector_throughput.NAME: connector_throughput.run,
    hub_ingest.NAME: hub_ingest.run,
    notify_latency.NAME: notify_latency.run,
}


def write_json(
    name: str, measurements: Sequence[Measurement], *, quick: bool, seconds: float
) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}{'-quick' if quick else ''}.json"
    document = {
        "benchmark": name,
        "quick": quick,
        "seconds": round(seconds, 1),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "measurements": [{**asdict(m), "met": m.met} for m in measurements],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


READING = """\
- **Connector**: one process (one core) over the synthetic councils' identity extracts, read by
  the connector's own readers. "normalise + match keys" is `identity_of` + `match_keys`; "full
  pseudonymise" is `plan_sync` of each council's children against an empty state, as a first sync
  runs it (tokens, wire records, sealed ids, references, digests, all kept for upload).
- **Ingest**: three councils' children into an empty hub, one transaction per batch. "Over HTTP"
  is `POST /v1/records` through the app in-process (bearer auth, idempotency key, validation);
  "direct" is `hub.pipeline.ingest_batch` alone, so the gap between them is the web layer's cost.
- **Latency**: with the children loaded, a fourth council posts `POST /v1/events` one at a time;
  the time is until the response returns, after the commit. "(link)" counts events about a loaded
  child that the hub linked and whose council then holds a notification (read back, not timed);
  possible matches sent for review are in the note. "Matching nobody" are events about children
  no council loaded (most real reports).
"""


def section_text() -> str:
    """The issue-2 section, from whichever full-run JSON files exist."""
    documents = [
        json.loads(p.read_text(encoding="utf-8"))
        for name in BENCHMARKS
        if (p := RESULTS_DIR / f"{name}.json").exists()
    ]
    measurements = [
        Measurement(**{k: v for k, v in m.items() if k != "met"})
        for d in documents
        for m in d["measurements"]
    ]
    box = documents[-1]["machine"]
    runs = ", ".join(
        f"`{d['benchmark']}` {d['measured_at']} ({d['seconds']:.0f} s)" for d in documents
    )
    lines = [
        SECTION,
        "",
        "Written by `python -m bench`; do not edit by hand. Runs: " + runs + ".",
        f"Machine: {box['cpu_count']} cores ({box['cpu_model']}), Python {box['python']}, "
        f"SQLite {box['sqlite']}, PostgreSQL {box['postgresql'] or 'not available'}. One "
        "process, so records/s are per core; the machine is shared, so repeats keep the best.",
        "",
        table(measurements),
        "",
        READING,
    ]
    return "\n".join(lines)


def run_linkage(quick: bool) -> None:
    try:
        from bench.linkage import run
    except ImportError as exc:  # the linkage benchmark is optional
        print(f"\nlinkage: skipped ({exc})")
        return
    print(f"\nlinkage: running{' (quick)' if quick else ''} ...", flush=True)
    run(RESULTS_MD, quick=quick)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument(
        "--only",
        action="append",
        choices=[*BENCHMARKS, "linkage"],
        help="run only this benchmark (repeatable)",
    )
    args = parser.parse_args(argv)
    chosen = args.only or [*BENCHMARKS, "linkage"]
    for name in chosen:
        if name == "linkage":
            run_linkage(args.quick)
            continue
        print(f"\n{name}: running{' (quick)' if args.quick else ''} ...", flush=True)
        start = time.perf_counter()
        measurements = BENCHMARKS[name](quick=args.quick)
        seconds = time.perf_counter() - start
        path = write_json(name, measurements, quick=args.quick, seconds=seconds)
        print(f"{table(measurements)}\n({seconds:.0f} s; wrote {path.relative_to(HERE.parent)})")
    if not args.quick and set(chosen) & set(BENCHMARKS):
        old = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else ""
        RESULTS_MD.write_text(replace_section(old, SECTION, section_text()), encoding="utf-8")
        print(f"updated {RESULTS_MD.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
