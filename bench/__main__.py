"""``python -m bench [--quick] [--only NAME]`` (NAME: connector, ingest, latency, linkage, oauth,
audit, delivery, scale)

Runs the benchmarks, prints a table per benchmark and writes ``bench/results/<name>.json``, each
stamped with this run (commit, dirty tree or not, run id, machine, date: bench.stamp). A full
run of every benchmark then renders the generated part of ``bench/RESULTS.md`` from those JSON
files (bench.report); a partial run (``--only``) cannot, since its results would sit beside
another run's, and says so. A quick run writes ``<name>-quick.json`` and prints the section
instead. The linkage benchmark (bench.linkage) is skipped when it cannot be imported. The
transparency-log size is ``HOMEWARD_BENCH_AUDIT_ENTRIES`` (bench.audit_log).
"""

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import (
    audit_log,
    connector_throughput,
    delivery,
    hub_ingest,
    notify_latency,
    oauth_tokens,
    report,
    scale,
)
from bench.stamp import run_stamp
from bench.tables import Measurement, table

HERE = Path(__file__).parent
BENCHMARKS: dict[str, Callable[..., list[Measurement]]] = {
    connector_throughput.NAME: connector_throughput.run,
    hub_ingest.NAME: hub_ingest.run,
    notify_latency.NAME: notify_latency.run,
    oauth_tokens.NAME: oauth_tokens.run,
    audit_log.NAME: audit_log.run,
    delivery.NAME: delivery.run,
    scale.NAME: scale.run,
}


def write_json(name: str, body: dict[str, Any], stamp: dict[str, Any], *, quick: bool) -> Path:
    report.RESULTS_DIR.mkdir(exist_ok=True)
    path = report.RESULTS_DIR / f"{name}{'-quick' if quick else ''}.json"
    document = {"benchmark": name, "quick": quick, "stamp": stamp, **body}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def run_one(name: str, *, quick: bool) -> dict[str, Any] | None:
    """The benchmark's results (without stamp), or None when it cannot run here."""
    start = time.perf_counter()
    if name == "linkage":
        try:
            from bench.linkage import run
        except ImportError as exc:  # the linkage benchmark is optional
            print(f"linkage: skipped ({exc})")
            return None
        body = run(quick=quick)
    else:
        measurements = BENCHMARKS[name](quick=quick)
        print(table(measurements))
        body = {"measurements": [{**asdict(m), "met": m.met} for m in measurements]}
    return {"seconds": round(time.perf_counter() - start, 1), **body}


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
    stamp = run_stamp()
    print(
        f"run {stamp['run']} of {stamp['commit'][:12]}{' (dirty tree)' if stamp['dirty'] else ''}"
    )
    for name in args.only or report.ORDER:
        print(f"\n{name}: running{' (quick)' if args.quick else ''} ...", flush=True)
        body = run_one(name, quick=args.quick)
        if body is not None:
            path = write_json(name, body, stamp, quick=args.quick)
            print(f"({body['seconds']:.0f} s; wrote {path.relative_to(HERE.parent)})")
    if args.only and set(args.only) != set(report.ORDER):
        print("\nbench/RESULTS.md not rendered: a partial run cannot sit beside another run's")
        return 0
    return report.main(["--quick"] if args.quick else [])


if __name__ == "__main__":
    sys.exit(main())
