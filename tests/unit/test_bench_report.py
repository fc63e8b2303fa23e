"""bench.report: RESULTS.md's generated part is a pure function of one run's JSON results."""

import copy
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import report

FIXTURES = Path(__file__).parent.parent / "data" / "bench_results"
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
FORMATS = ("{:,.0f}", "{:.0f}", "{:.1f}", "{:.2f}", "{:.3f}", "{:.4f}", "{:,.4f}", "{:g}", "{}")


@pytest.fixture
def documents() -> dict[str, Any]:
    return report.load(FIXTURES)


def generated(markdown: str) -> str:
    start, end = markdown.index(report.BEGIN), markdown.index(report.END)
    return markdown[start + len(report.BEGIN) : end]


def walk(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


def spellings(documents: dict[str, Any]) -> set[str]:
    """Every way the renderer may print a number that is in the JSON."""
    found: set[str] = set()
    for value in walk(documents):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            found.update(f.format(value) for f in FORMATS)
        else:
            found.update(NUMBER.findall(str(value)))
    return found


def test_all_fixtures_are_rendered(documents: dict[str, Any]) -> None:
    assert set(documents) == set(report.ORDER)


def test_rendering_is_a_pure_function_of_the_json(documents: dict[str, Any]) -> None:
    first = report.render(documents)
    again = report.render(copy.deepcopy(report.load(FIXTURES)))
    assert first == again
    assert first.startswith(report.BEGIN) and first.rstrip().endswith(report.END)


def test_every_number_in_the_generated_part_is_in_the_json(documents: dict[str, Any]) -> None:
    lines = generated(report.render(documents)).splitlines()
    section = "\n".join(line for line in lines if not line.startswith("## "))  # titles: fixed
    allowed = spellings(documents)
    stray = [n for n in NUMBER.findall(section) if n not in allowed]
    assert stray == []


def test_the_stamp_is_shown(documents: dict[str, Any]) -> None:
    stamp = documents["connector"]["stamp"]
    section = report.render(documents)
    assert stamp["commit"] in section and stamp["run"] in section
    assert stamp["machine"]["cpu_model"] in section and stamp["started_at"] in section


def test_different_commits_are_refused(documents: dict[str, Any]) -> None:
    documents["linkage"] = copy.deepcopy(documents["linkage"])
    documents["linkage"]["stamp"]["commit"] = "0" * 40
    with pytest.raises(report.MixedRuns, match="different runs or commits") as raised:
        report.render(documents)
    assert "linkage: commit 000000000000" in str(raised.value)


def test_another_run_of_the_same_commit_is_refused(documents: dict[str, Any]) -> None:
    documents["ingest"] = copy.deepcopy(documents["ingest"])
    documents["ingest"]["stamp"]["run"] = "another-run"
    with pytest.raises(report.MixedRuns, match="different runs"):
        report.render(documents)


def test_unstamped_results_are_refused(documents: dict[str, Any]) -> None:
    documents["latency"] = {k: v for k, v in documents["latency"].items() if k != "stamp"}
    with pytest.raises(report.MixedRuns, match="without a run stamp: latency"):
        report.render(documents)


def test_update_keeps_the_hand_written_prose(documents: dict[str, Any]) -> None:
    page = f"# Results\n\nintro\n\n{report.BEGIN}\nstale 123\n{report.END}\n\n## Notes\n\nprose\n"
    once = report.update(page, documents)
    assert once.startswith("# Results\n\nintro\n\n") and once.endswith("\n\n## Notes\n\nprose\n")
    assert "stale" not in once
    assert report.update(once, documents) == once
    fresh = report.update("", documents)
    assert fresh.startswith("# Benchmark results\n\n" + report.BEGIN)


def test_met_is_recomputed_not_read(documents: dict[str, Any]) -> None:
    measurement = documents["connector"]["measurements"][0]
    lied = copy.deepcopy(documents)
    lied["connector"]["measurements"][0] = {**measurement, "met": not measurement["met"]}
    assert report.render(lied) == report.render(documents)


def test_main_renders_into_results_md(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = tmp_path / "results"
    shutil.copytree(FIXTURES, results)
    target = tmp_path / "RESULTS.md"
    target.write_text("# Benchmark results\n\nhand-written\n", encoding="utf-8")
    monkeypatch.setattr(report, "RESULTS_MD", target)
    monkeypatch.setattr(report, "HERE", tmp_path)
    assert report.main(["--results", str(results)]) == 0
    text = target.read_text(encoding="utf-8")
    assert generated(text) and text.endswith("hand-written\n")
    linkage = json.loads((results / "linkage.json").read_text(encoding="utf-8"))
    linkage["stamp"]["dirty"] = not linkage["stamp"]["dirty"]
    (results / "linkage.json").write_text(json.dumps(linkage), encoding="utf-8")
    assert report.main(["--results", str(results)]) == 1
    assert target.read_text(encoding="utf-8") == text  # refused: nothing written


@pytest.mark.parametrize("name", sorted(report.SECTIONS))
def test_each_benchmark_has_its_section(documents: dict[str, Any], name: str) -> None:
    section = report.render(documents)
    assert report.SECTIONS[name] in section
    for measurement in documents[name]["measurements"]:
        assert measurement["name"] in section
    absent = report.render({k: v for k, v in documents.items() if k != name})
    assert report.SECTIONS[name] not in absent and f"not run: {name}" in absent


def _row(section: str, name: str, backend: str) -> str:
    return next(line for line in section.splitlines() if f"| {name} " in line and backend in line)


def test_targets_are_computed_from_the_values(documents: dict[str, Any]) -> None:
    """A size or a rate must reach its target, a latency or a statistic stay under it."""
    lied = copy.deepcopy(documents)
    delivery = {m["name"]: m for m in lied["delivery"]["measurements"] if m["backend"] == "sqlite"}
    d_name = "report answer known vs unknown: Kolmogorov-Smirnov D"
    p99_name = "report submitted -> webhook received, p99"
    audit = {m["name"]: m for m in lied["audit"]["measurements"] if m["backend"] == "sqlite"}
    before = report.render(lied)
    assert "| NO " in _row(before, "log size measured", "sqlite")  # the fixture is small
    assert "| yes " in _row(before, d_name, "sqlite")
    delivery[d_name]["value"] = delivery[d_name]["target"] + 0.01
    delivery[p99_name]["value"] = delivery[p99_name]["target"] + 1
    audit["log size measured"]["value"] = audit["log size measured"]["target"]
    after = report.render(lied)
    assert "| NO " in _row(after, d_name, "sqlite") and "| NO " in _row(after, p99_name, "sqlite")
    assert "| yes " in _row(after, "log size measured", "sqlite")
