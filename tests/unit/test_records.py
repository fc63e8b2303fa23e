"""903 + identity extract -> ChildInCare / MissingEpisode."""

import csv
import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.records import ChildInCare, build_records
from connectors.sources import (
    EpisodeRow,
    IdentityExtract,
    IdentityRow,
    MissingRow,
    PostcodeLookup,
    Ssda903,
    read_903_dir,
    read_identity,
)
from tests.conftest import SAMPLES_903

CSC = SAMPLES_903 / "csc-validator-be-903"
END_OF_YEAR = date(2018, 4, 1)
FORENAMES = ["Amara", "Ben", "Chloé", "Dev", "Ewa", "Finn", "Grace", "Hamza"]
SURNAMES = ["Okafor", "Smith", "Nowak", "O'Neill", "Patel", "Jones", "Khan", "Evans"]


def raw_rows(name: str) -> list[dict[str, str]]:
    with (CSC / name).open(newline="") as f:
        return list(csv.DictReader(f))


def write_identities(path: Path, skip: frozenset[str] = frozenset()) -> Path:
    """A deterministic fake identity extract for every child in the sample's Header table."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["child_id", "forename", "surname", "dob", "sex", "nhs_number"])
        for n, row in enumerate(raw_rows("header.csv")):
            if row["CHILD"] not in skip:
                out.writerow(
                    [
                        row["CHILD"],
                        FORENAMES[n % 8],
                        SURNAMES[n // 8 % 8],
                        row["DOB"],
                        row["SEX"],
                        f"{9000000000 + n}",
                    ]
                )
    return path


@pytest.fixture(scope="module")
def sample() -> Ssda903:
    return read_903_dir(CSC)


def test_csc_sample_children_in_care(sample: Ssda903, tmp_path: Path) -> None:
    identities = read_identity(write_identities(tmp_path / "ids.csv"))
    records = build_records(sample, identities, today=END_OF_YEAR)
    episodes = raw_rows("episodes.csv")
    in_care = {e["CHILD"] for e in episodes if not e["DEC"]}
    assert len(in_care) == 1408
    assert [c.identity.child_id for c in records.children] == sorted(in_care)
    first = records.children[0]
    assert first.identity.forename in FORENAMES and first.placement_authority is None
    latest_open = max(
        (e for e in episodes if e["CHILD"] == first.identity.child_id and not e["DEC"]),
        key=lambda e: datetime.strptime(e["DECOM"], "%d/%m/%Y"),
    )
    assert (first.legal_status, first.placement_type) == (latest_open["LS"], latest_open["PLACE"])
    # five children have two open episodes; six children in Missing have no episodes at all
    columns = sorted(p.column for p in records.problems)
    assert columns == ["CHILD"] * 6 + ["DEC"] * 5


def test_csc_sample_missing_episodes(sample: Ssda903, tmp_path: Path) -> None:
    identities = read_identity(write_identities(tmp_path / "ids.csv"))
    episodes = raw_rows("episodes.csv")
    with_episodes = {e["CHILD"] for e in episodes}
    records = build_records(sample, identities, today=END_OF_YEAR)
    expected = [m for m in raw_rows("missing.csv") if m["CHILD"] in with_episodes]
    assert len(records.episodes) == len(expected) == 36
    assert all(e.started_at is None and e.reported_by is None for e in records.episodes)
    keys = [(e.identity.child_id, e.start) for e in records.episodes]
    assert keys == sorted(keys)
    # years later, only children still in care keep their missing episodes
    later = build_records(sample, identities, today=date(2030, 1, 1))
    in_care = {e["CHILD"] for e in episodes if not e["DEC"]}
    assert {e.identity.child_id for e in later.episodes} <= in_care
    assert len(later.episodes) == sum(m["CHILD"] in in_care for m in expected) == 27


def test_child_missing_from_identity_extract(sample: Ssda903, tmp_path: Path) -> None:
    identities = read_identity(write_identities(tmp_path / "ids.csv", skip=frozenset({"566910"})))
    records = build_records(sample, identities, today=END_OF_YEAR)
    assert "566910" not in {c.identity.child_id for c in records.children}
    (problem,) = [p for p in records.problems if "identity extract" in p.message]
    assert (Path(problem.file).name, problem.line, problem.column) == ("episodes.csv", 3, "CHILD")
    assert problem.remedy == "add the child to the identity extract"


def identity(child: str, authority: str | None = None) -> IdentityRow:
    return IdentityRow(
        child_id=child,
        forename="Ann",
        surname="Lee",
        dob=date(2008, 1, 1),
        placement_authority=authority,
    )


def episode(
    child: str,
    decom: date,
    dec: date | None = None,
    *,
    rne: str = "P",
    pl_post: str | None = "B1 1AA",
    line: int = 2,
) -> EpisodeRow:
    return EpisodeRow(
        child=child,
        decom=decom,
        rne=rne,
        ls="C2",
        cin="N1",
        place="U4",
        place_provider="PR1",
        dec=dec,
        rec=None if dec is None else "X1",
        home_post=None,
        pl_post=pl_post,
        urn=None,
        line=line,
    )


def extract(*episodes: EpisodeRow, missing: tuple[MissingRow, ...] = ()) -> Ssda903:
    return Ssda903(
        episodes=list(episodes),
        missing=list(missing),
        files={"Episodes": "e.csv", "Missing": "m.csv"},
    )


def test_placement_authority_column_then_lookup_then_none() -> None:
    data = extract(
        episode("A", date(2020, 1, 1), line=2),
        episode("B", date(2020, 1, 1), line=3),
        episode("C", date(2020, 1, 1), pl_post="Z9 9ZZ", line=4),
        episode("D", date(2020, 1, 1), pl_post=None, line=5),
    )
    people = IdentityExtract(
        rows=[identity("A", "E09000001"), identity("B"), identity("C"), identity("D")]
    )
    lookup = PostcodeLookup({"B1": "E08000025"})
    with_lookup = build_records(data, people, lookup, today=date(2020, 6, 1))
    assert [c.placement_authority for c in with_lookup.children] == [
        "E09000001",
        "E08000025",
        None,
        None,
    ]
    assert {(p.file, p.line, p.column) for p in with_lookup.problems} == {
        ("e.csv", 4, "PL_POST"),
        ("e.csv", 5, "PL_POST"),
    }
    without = build_records(data, people, today=date(2020, 6, 1))
    assert [c.placement_authority for c in without.children] == ["E09000001", None, None, None]
    assert without.problems == []


def test_open_episodes_and_placed_since() -> None:
    data = extract(
        episode("A", date(2019, 1, 1), date(2019, 5, 1), rne="S", line=2),
        episode("A", date(2019, 5, 1), date(2019, 9, 1), rne="L", line=3),
        episode("A", date(2019, 9, 1), rne="L", line=4),  # placed since 2019-01-01
        episode("B", date(2019, 1, 1), date(2019, 5, 1), rne="S", line=5),
        episode("B", date(2019, 5, 1), rne="T", line=6),  # placed since 2019-05-01
        episode("C", date(2018, 1, 1), line=7),  # earlier open episode: reported
        episode("C", date(2019, 2, 1), rne="S", line=8),
        episode("D", date(2018, 1, 1), date(2019, 1, 1), line=9),  # left care
    )
    people = IdentityExtract(rows=[identity(c) for c in "ABCD"])
    records = build_records(data, people, today=date(2020, 1, 1))
    assert [(c.identity.child_id, c.placed_since) for c in records.children] == [
        ("A", date(2019, 1, 1)),
        ("B", date(2019, 5, 1)),
        ("C", date(2019, 2, 1)),
    ]
    assert [(p.line, p.column) for p in records.problems] == [(7, "DEC")]


def test_missing_episodes_window() -> None:
    data = extract(
        episode("A", date(2018, 1, 1)),  # in care
        episode("B", date(2018, 1, 1), date(2019, 3, 1)),  # left care within the year
        episode("C", date(2018, 1, 1), date(2018, 12, 31)),  # left care over a year ago
        episode("E", date(2018, 1, 1)),  # in care, not in the identity extract
        missing=(
            MissingRow("A", None, "M", date(2019, 2, 1), None, 2),
            MissingRow("B", None, "A", date(2019, 2, 1), date(2019, 2, 2), 3),
            MissingRow("C", None, "M", date(2018, 6, 1), date(2018, 6, 2), 4),
            MissingRow("D", None, "M", date(2019, 2, 1), None, 5),  # no episodes
            MissingRow("E", None, "M", date(2019, 2, 1), None, 6),
            MissingRow("A", None, "A", date(2019, 1, 1), date(2019, 1, 3), 7),
        ),
    )
    people = IdentityExtract(rows=[identity(c) for c in "ABCD"])
    records = build_records(data, people, today=date(2020, 1, 1))
    assert [(e.identity.child_id, e.kind, e.start, e.end) for e in records.episodes] == [
        ("A", "A", date(2019, 1, 1), date(2019, 1, 3)),
        ("A", "M", date(2019, 2, 1), None),
        ("B", "A", date(2019, 2, 1), date(2019, 2, 2)),
    ]
    assert {(p.file, p.line, p.column) for p in records.problems} == {
        ("m.csv", 5, "CHILD"),
        ("e.csv", 2, "CHILD"),
    }


@st.composite
def episodes_tables(draw: st.DrawFn) -> list[EpisodeRow]:
    """Valid Episodes tables: per child, abutting episodes, the last one open or closed."""
    rows: list[EpisodeRow] = []
    for child in range(draw(st.integers(1, 6))):
        start = draw(st.dates(date(2010, 1, 1), date(2019, 1, 1)))
        count, still_open = draw(st.integers(1, 4)), draw(st.booleans())
        for n in range(count):
            end = start + timedelta(days=draw(st.integers(1, 400)))
            rows.append(
                replace(
                    episode(
                        f"C{child}",
                        start,
                        None if still_open and n == count - 1 else end,
                        rne="S" if n == 0 else draw(st.sampled_from("LPTBU")),
                        pl_post=draw(st.sampled_from(["B1 1AA", "M1 1AA", None])),
                    ),
                    ls=draw(st.sampled_from(["C1", "C2", "V2"])),
                    place=draw(st.sampled_from(["U4", "K2", "R1"])),
                )
            )
            start = end
    return rows


def in_care(rows: list[EpisodeRow]) -> set[ChildInCare]:
    data = extract(*(replace(row, line=n + 2) for n, row in enumerate(rows)))
    people = IdentityExtract(rows=[identity(f"C{n}") for n in range(6)])
    lookup = PostcodeLookup({"B1": "E08000025"})
    return set(build_records(data, people, lookup, today=date(2020, 1, 1)).children)


@settings(max_examples=60, deadline=None)
@given(episodes_tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_children_in_care(
    rows: list[EpisodeRow], rng: random.Random
) -> None:
    shuffled = rows[:]
    rng.shuffle(shuffled)
    assert in_care(shuffled) == in_care(rows)
