"""`homeward linkage evaluate`: exact metrics on a hand-made pair of files, the --links file,
and a small generated benchmark scored independently of the command."""

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from homeward import cli
from homeward.linkage import evaluate
from hub.linking.candidates import BLOCKING, Blocking

HEADER = ("id", "forename", "surname", "dob", "sex", "postcode", "nhs_number", "upn")
LEFT = [
    ("L1", "Amelia", "Okafor", "2010-04-17", "F", "B1 1AA", "943 476 5919", ""),
    ("L2", "Tyler", "Hughes", "2011-03-07", "M", "CF10 1EP", "", ""),
    ("L3", "Jayden", "Mensah", "2011-05-09", "M", "B1 1AA", "", ""),
    ("L4", "Jaden", "Mensah", "2011-05-09", "M", "B1 1AA", "", ""),  # twin, same name group
    ("L5", "Leah", "Turner", "2013-01-25", "F", "LS6 2AB", "", ""),
    ("L6", "Ava", "Hughes", "2014-02-11", "F", "N1 9GU", "9000000017", ""),
]
RIGHT = [
    ("R1", "AMELIA", "okafor", "2010-04-17", "2", "M1 1AE", "9434765919", ""),  # ID link
    ("R2", "tyler ", "HUGHES", "2011-03-07", "1", "cf101ep", "", ""),  # names + district
    ("R3", "Jayden", "Mensah", "2011-05-09", "M", "B1 1AA", "", ""),  # twins: review
    ("R4", "Leah", "Turner", "2013-01-25", "F", "M1 1AE", "", ""),  # moved: review
    ("R5", "Noah", "Brown", "2009-03-07", "M", "B1 1AA", "", ""),  # nobody
    ("R6", "Ava", "Hughes", "2014-02-11", "F", "N1 9GU", "9000000025", ""),  # other NHS
    ("R7", "Toby", "Hughes", "2011-03-07", "M", "CF10 1EP", "", ""),  # L2's twin, not in care
]
TRUTH = [("L1", "R1"), ("L2", "R2"), ("L3", "R3"), ("L5", "R4")]


def _write(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (
        _write(tmp_path / "left.csv", (*HEADER, "extra"), [(*r, "x") for r in LEFT]),
        _write(tmp_path / "right.csv", HEADER, RIGHT),
        _write(tmp_path / "truth.csv", ("left_id", "right_id"), TRUTH),
    )


def test_metrics_and_links_of_the_match_keys_alone(
    files: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    left, right, truth = files
    links = tmp_path / "links.csv"
    code = cli.main(
        [
            "linkage",
            "evaluate",
            str(left),
            str(right),
            "--truth",
            str(truth),
            "--json",
            "--links",
            str(links),
            "--match-keys-only",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert {
        k: report[k]
        for k in (
            "true_pairs",
            "links",
            "correct_links",
            "precision",
            "recall",
            "recall_id_pairs",
            "recall_with_review",
            "false_alarms",
            "review_queue",
            "review_pairs",
        )
    } == {
        "true_pairs": 4,
        "links": 2,
        "correct_links": 2,
        "precision": 1.0,
        "recall": 0.5,
        "recall_id_pairs": 1.0,
        "recall_with_review": 1.0,
        "false_alarms": 0,
        "review_queue": 4,
        "review_pairs": 5,
    }
    assert report["recall_other_pairs"] == pytest.approx(1 / 3)
    assert report["f1"] == pytest.approx(2 / 3)
    # R6 (another NHS number) and R7 (a twin of one sex: surname_dob_sex, review only)
    assert report["review_false_alarms_per_1000"] == pytest.approx(2000 / 3)
    with links.open(encoding="utf-8") as handle:
        rows = sorted(tuple(r.values()) for r in csv.DictReader(handle))
    assert rows == [
        ("L1", "R1", "link"),
        ("L2", "R2", "link"),
        ("L2", "R7", "review"),
        ("L3", "R3", "review"),
        ("L4", "R3", "review"),
        ("L5", "R4", "review"),
        ("L6", "R6", "review"),
    ]


def test_the_second_stage_reviews_the_moved_child_and_drops_the_twin(
    files: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R4 (Leah Turner, moved: name, date of birth and sex agree, the district does not) is
    still only a review: a common name with its date of birth needs the district to link, in
    the second stage as in the first; R7 (a twin of one sex, sharing only a review-only key) is
    no longer worth a review; the twins R3 and the contradicted R6 still are."""
    left, right, truth = files
    links = tmp_path / "links.csv"
    argv = ["linkage", "evaluate", str(left), str(right), "--truth", str(truth), "--json"]
    assert cli.main([*argv, "--links", str(links)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["links"], report["correct_links"], report["false_alarms"]) == (2, 2, 0)
    assert (report["review_queue"], report["review_pairs"]) == (3, 4)
    with links.open(encoding="utf-8") as handle:
        rows = sorted(tuple(r.values()) for r in csv.DictReader(handle))
    assert rows == [
        ("L1", "R1", "link"),
        ("L2", "R2", "link"),
        ("L3", "R3", "review"),
        ("L4", "R3", "review"),
        ("L5", "R4", "review"),
        ("L6", "R6", "review"),
    ]


def test_text_report(files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    left, right, truth = files
    argv = ["linkage", "evaluate", str(left), str(right), "--truth", str(truth)]
    assert cli.main([*argv, "--match-keys-only"]) == 0
    out = capsys.readouterr().out
    assert "precision                                          1.0000" in out
    assert "false alarms per 1,000 non-matching right records  0.000 (0 of 3)" in out
    assert "review queue (right records / pairs)               4 / 5" in out


def test_missing_file_or_column_is_a_clear_error(
    files: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    left, right, truth = files
    assert (
        cli.main(
            ["linkage", "evaluate", str(tmp_path / "nope.csv"), str(right), "--truth", str(truth)]
        )
        == 2
    )
    assert "nope.csv: cannot read" in capsys.readouterr().err
    bad = _write(tmp_path / "bad.csv", ("left", "right"), [("L1", "R1")])
    assert cli.main(["linkage", "evaluate", str(left), str(right), "--truth", str(bad)]) == 2
    assert "missing column(s) left_id, right_id" in capsys.readouterr().err


def test_generated_benchmark_scored_independently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.linkage import datasets
    from homeward.synthetic import linkage as synth

    files = datasets.synthetic(
        tmp_path, synth.Spec(left=1500, right=1500, overlap=0.1, seed=5), "small"
    )
    links = tmp_path / "links.csv"
    assert (
        cli.main(
            [
                "linkage",
                "evaluate",
                str(files.left),
                str(files.right),
                "--truth",
                str(files.truth),
                "--json",
                "--links",
                str(links),
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    with files.truth.open(encoding="utf-8") as handle:
        truth = {(r["left_id"], r["right_id"]) for r in csv.DictReader(handle)}
    with links.open(encoding="utf-8") as handle:
        found = {
            (r["left_id"], r["right_id"]) for r in csv.DictReader(handle) if r["decision"] == "link"
        }
    assert report["links"] == len(found)
    assert report["correct_links"] == len(found & truth)
    assert report["precision"] == 1.0
    assert report["recall_id_pairs"] >= 0.95
    assert report["recall_with_review"] >= 0.9


@pytest.mark.parametrize(
    ("identifier", "linked"),
    [("6503215", True), ("6530115", True), ("6513215", False), ("1716280", False)],
    ids=["one-digit-out", "two-swapped", "two-digits-out", "another"],
)
def test_an_opaque_identifier_one_typo_out_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], identifier: str, linked: bool
) -> None:
    """FEBRL-style data (--opaque-ids): the same name, a day out, the next postcode. The
    identifier one typo out links through its neighbourhood tokens; another never links."""
    left = _write(
        tmp_path / "l.csv",
        HEADER,
        [("L1", "Amelia", "Okafor", "2010-04-17", "", "7018", "6503115", "")],
    )
    right = _write(
        tmp_path / "r.csv",
        HEADER,
        [("R1", "Amelia", "Okafor", "2010-04-18", "", "7019", identifier, "")],
    )
    truth = _write(tmp_path / "t.csv", ("left_id", "right_id"), [("L1", "R1")])
    argv = ["linkage", "evaluate", str(left), str(right), "--truth", str(truth), "--json"]
    assert cli.main([*argv, "--opaque-ids", "--opaque-postcodes"]) == 0
    assert json.loads(capsys.readouterr().out)["correct_links"] == int(linked)


def test_crowded_block_bounds_the_second_stage_candidates(
    files: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--crowded-block N`` links with the hub's ``Blocking`` bounded at N; without it, every
    child sharing a block is compared, as the hub does."""
    left, right, truth = files
    used: list[Blocking] = []
    link = evaluate.link

    def recording(*args: Any, **kwargs: Any) -> evaluate.Linkage:
        used.append(kwargs["blocking"])
        return link(*args, **kwargs)

    monkeypatch.setattr(evaluate, "link", recording)
    argv = ["linkage", "evaluate", str(left), str(right), "--truth", str(truth), "--json"]
    assert cli.main(argv) == 0
    assert cli.main([*argv, "--crowded-block", "7"]) == 0
    assert used == [BLOCKING, Blocking(BLOCKING.shared, 7)]
    assert BLOCKING.crowded is None
