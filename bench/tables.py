"""Tables of benchmark results, as Markdown that also reads well in a terminal.

``Measurement`` is the one number an end-to-end benchmark reports; ``measurements_table`` and
``linkage_section`` turn the JSON results back into tables for bench/RESULTS.md. Every number
they print comes from the JSON they are given.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RECORDS_PER_S, MS = "records/s", "ms"


def is_floor(unit: str) -> bool:
    """Units where more is better, so a target is a floor: throughputs (``records/s``,
    ``entries/s``, ``per s``) and sizes reached (``entries``); every other target is a ceiling."""
    return unit.endswith("/s") or unit in ("per s", "entries")


@dataclass(frozen=True)
class Measurement:
    """One number. ``target`` is a floor for throughput and a ceiling for latency."""

    name: str
    value: float
    unit: str  # records/s, entries/s, per s, entries (floors: is_floor) | ms, s, D (ceilings)
    backend: str = "-"
    count: int = 0  # records or requests measured
    target: float | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if is_floor(self.unit) else self.value <= self.target


def _result(m: Measurement) -> str:
    if is_floor(m.unit):
        return f"{m.value:,.0f} {m.unit}"
    return f"{m.value:.3f} {m.unit}" if m.value < 1 else f"{m.value:.1f} {m.unit}"


def _target(m: Measurement) -> str:
    if m.target is None:
        return ""
    return f">= {m.target:,.0f} {m.unit}" if is_floor(m.unit) else f"<= {m.target:g} {m.unit}"


def _aligned(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def table(measurements: Sequence[Measurement]) -> str:
    """The end-to-end measurements as one table."""
    rows = [("Measurement", "Backend", "Result", "n", "Target", "Met", "Notes")]
    rows += [
        (
            m.name,
            m.backend,
            _result(m),
            f"{m.count:,}",
            _target(m),
            {None: "", True: "yes", False: "NO"}[m.met],
            m.note,
        )
        for m in measurements
    ]
    return _aligned(rows)


def measurements_table(documents: Sequence[Mapping[str, Any]]) -> str:
    """``table`` over measurements as stored in JSON (``met`` is recomputed, not trusted)."""
    return table([Measurement(**{k: v for k, v in m.items() if k != "met"}) for m in documents])


# --- linkage --------------------------------------------------------------------------------------

LINKAGE_COLUMNS = (
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


def linkage_rows(rows: Sequence[Mapping[str, Any]]) -> str:
    head = ["dataset", "method", "true pairs", *(c[0] for c in LINKAGE_COLUMNS)]
    body = [
        [
            r["dataset"],
            r["method"],
            f"{r['true_pairs']} of {r['right_records']}",
            *(fmt.format(r[key]) for _, key, fmt in LINKAGE_COLUMNS),
        ]
        for r in rows
    ]
    return _aligned([head, *body])


def _met(value: float, target: Mapping[str, Any]) -> bool:
    return bool(value >= target["at_least"] if "at_least" in target else value <= target["at_most"])


def _bound(target: Mapping[str, Any]) -> str:
    return f">= {target['at_least']:g}" if "at_least" in target else f"<= {target['at_most']:g}"


def linkage_targets(document: Mapping[str, Any]) -> str:
    """Each target of the issue against the rows (or the throughput) it is measured on."""
    rows = {(r["dataset"], r["method"]): r for r in document["rows"]}
    lines = [("target", "bound", "measured", "met?")]
    for target in document["targets"]:
        if target["metric"] in document["throughput"]:
            values = [document["throughput"][target["metric"]]]
        else:
            found = [rows.get((d, target["method"])) for d in target["datasets"]]
            values = [r[target["metric"]] for r in found if r is not None]
        if not values:
            continue
        measured = " / ".join(f"{v:,.4f}" if v < 1000 else f"{v:,.0f}" for v in values)
        met = "yes" if all(_met(v, target) for v in values) else "**no**"
        lines.append((target["name"], _bound(target), measured, met))
    return _aligned(lines)


def linkage_section(document: Mapping[str, Any]) -> str:
    speed = document["throughput"]
    by_cpu = "with_second_stage_warm_records_per_second" in speed  # runs before issue 11: wall
    lines = [
        linkage_rows(document["rows"]),
        "",
        f"Connector throughput, one core{', by CPU time' if by_cpu else ''}, normalise + every "
        f"match key "
        f"({speed['records']:,} records, {speed['tokens_per_record']:.2f} tokens per record): "
        f"{speed['cold_records_per_second']:,.0f} records/s cold caches, "
        f"{speed['warm_records_per_second']:,.0f} records/s warm.",
        "",
    ]
    if by_cpu:
        lines[-2] += (
            f" With the second stage's encodings: "
            f"{speed['with_second_stage_cold_records_per_second']:,.0f} cold, "
            f"{speed['with_second_stage_warm_records_per_second']:,.0f} warm."
        )
    if not document["clk_reference"]:
        lines += ["The clkhash + anonlink reference could not be installed on this run.", ""]
    lines += ["Against the issue's targets:", "", linkage_targets(document)]
    return "\n".join(lines)
