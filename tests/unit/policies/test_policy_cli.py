"""`homeward policy check|explain|test`: problems name file, line and column with a remedy and
exit non-zero; explain says who receives what and why others receive nothing."""

from pathlib import Path

import pytest
import yaml

from homeward.cli import main
from homeward.readable import field_lines, local_time
from tests.conftest import REPO

SHIPPED = REPO / "policies"


def copy_policies(folder: Path, with_tests: bool = False) -> Path:
    for path in SHIPPED.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text("utf-8"), encoding="utf-8")
    if with_tests:
        (folder / "tests").mkdir()
        for path in (SHIPPED / "tests").glob("*.yaml"):
            (folder / "tests" / path.name).write_text(path.read_text("utf-8"), encoding="utf-8")
    return folder


def test_check_prints_each_policy_and_the_content_hash_councils_sign(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "check", str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    assert "ok  notify-area-authority v3" in out
    assert out.count("    content ") == 4


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "message", "remedy"),
    [
        ("within_days: 30", "within_dayz: 30", 20, 3, "when.within_dayz: Extra inputs", "remove"),
        ("      - legal_status\n", "      - date_of_birth\n", 32, 9, "unknown fields", "use only"),
        ("urgency: routine", "urgency: whenever", 12, 10, "urgency: Input should be", "see"),
        ("retention_days: 365\n", "", 3, 1, "retention_days: Field required", "add"),
    ],
    ids=["unknown key", "unknown field", "bad value", "missing key"],
)
def test_check_names_file_line_column_and_remedy(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    line: int,
    column: int,
    message: str,
    remedy: str,
) -> None:
    folder = copy_policies(tmp_path)
    path = folder / "notify-area-authority.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["policy", "check", str(folder)]) == 1
    [problem] = [ln for ln in capsys.readouterr().out.splitlines() if message in ln]
    assert problem.startswith(f"{path}:{line}:{column}: ")
    assert message in problem
    assert f"(remedy: {remedy}" in problem


def test_check_reports_broken_yaml_at_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.yaml").write_text("id: x\nwhen: [unclosed\n", encoding="utf-8")
    assert main(["policy", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'broken.yaml'}:3:1: cannot read policy" in out


def test_an_unknown_legal_status_code_is_refused_with_the_code_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_policies(tmp_path)
    path = folder / "notify-area-authority.yaml"
    path.write_text(
        path.read_text("utf-8").replace(
            "  within_days: 30", "  legal_statuses: [C2, Q9]\n  within_days: 30"
        ),
        encoding="utf-8",
    )
    assert main(["policy", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "unknown legal_status codes ['Q9']" in out
    assert "ssda903_codes.csv" in out


def test_explain_says_who_receives_what_and_why_others_receive_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--kind", "missing", "--match", "linked", "--responsible", "E09000001"]
    args += ["--reporting", "E08000025", "--area", "E06000023", "--legal-status", "C2"]
    args += ["--start", "2026-11-24", "--unsigned", "E06000023:notify-area-authority"]
    assert main(["policy", "explain", *args]) == 0
    out = capsys.readouterr().out
    assert "legal status C2 (full care order)" in out
    assert "notify-responsible-authority v2" in out and "responsible E09000001 receives" in out
    assert "area E06000023 receives nothing: E06000023 has not signed this policy" in out
    assert "review-possible-match v1" in out and "match linked is not one of possible" in out
    assert "E06000023 receives nothing: E06000023 has not signed this policy" in out


def test_explain_reads_a_scenario_file_and_refuses_a_bad_one_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = {"event": "found", "match": "possible", "responsible": "E09000001"}
    path = tmp_path / "event.yaml"
    path.write_text(yaml.safe_dump({**scenario, "start": "2026-11-24"}), encoding="utf-8")
    assert main(["policy", "explain", "--event", str(path)]) == 0
    assert "review-possible-match v1 (content" in capsys.readouterr().out
    path.write_text(yaml.safe_dump({**scenario, "start": "2026-11-24", "colour": 1}), "utf-8")
    assert main(["policy", "explain", "--event", str(path)]) == 2
    assert f"{path}:1:1: colour: Extra inputs are not permitted" in capsys.readouterr().err


def test_policy_test_passes_the_shipped_tests_and_fails_a_wrong_expectation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "test", str(SHIPPED)]) == 0
    assert "all policy tests pass" in capsys.readouterr().out
    folder = copy_policies(tmp_path, with_tests=True)
    cases = folder / "tests" / "review-possible-match.yaml"
    cases.write_text(
        cases.read_text("utf-8").replace("match: linked}", "match: possible}"), "utf-8"
    )
    assert main(["policy", "test", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  review-possible-match.yaml: a definite link is not a review" in out
    assert "1 failed" in out


def test_a_policy_without_a_test_file_fails_policy_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_policies(tmp_path, with_tests=True)
    (folder / "tests" / "return-interview-reminder.yaml").unlink()
    assert main(["policy", "test", str(folder)]) == 1
    assert "FAIL  return-interview-reminder: no test file" in capsys.readouterr().out


def test_the_inbox_shows_codes_with_meanings_and_times_with_their_zone() -> None:
    from datetime import UTC, datetime

    fields = {"legal_status": "C2", "legal_status_meaning": "full care order", "end": None}
    assert field_lines(fields, frozenset()) == ["legal_status: C2 (full care order)"]
    assert local_time(datetime(2026, 7, 24, 21, 30, tzinfo=UTC)) == "2026-07-24 22:30 BST"
    assert local_time(datetime(2026, 11, 24, 21, 30, tzinfo=UTC)) == "2026-11-24 21:30 GMT"


def test_check_of_a_missing_directory_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "check", str(tmp_path / "nowhere")]) == 2
    assert "not a directory of policies" in capsys.readouterr().err
