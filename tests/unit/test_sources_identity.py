"""The council-supplied sources: identity extract and postcode -> authority lookup."""

from datetime import date
from pathlib import Path

import pytest

from connectors.sources import (
    IdentityRow,
    PostcodeLookup,
    SourceProblem,
    area_key,
    read_identity,
    read_postcode_lookup,
)


def write(directory: Path, name: str, *lines: str) -> Path:
    path = directory / name
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    return path


def where(problems: list[SourceProblem]) -> set[tuple[int, str]]:
    return {(p.line, p.column) for p in problems}


def test_identity_columns_any_order_and_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ids.csv",
        "Surname,FORENAME,child_id,DoB,Sex,NHS_Number,upn,Known_As,former_surname,postcode,"
        "placement_authority,notes",
        " O'Brien , Mary-Jane ,C1,03/04/2010,2,943 476 5919,A123456789012,Mj,,b1 1aa,e08000025,x",
        "Smith,Sam,C2,2011-12-31,U,,,,Jones,,,",
    )
    extract = read_identity(path)
    assert extract.problems == []
    assert extract.rows == [
        IdentityRow(
            child_id="C1",
            nhs_number="943 476 5919",
            upn="A123456789012",
            forename="Mary-Jane",
            known_as="Mj",
            surname="O'Brien",
            dob=date(2010, 4, 3),
            sex="F",
            postcode="b1 1aa",
            placement_authority="E08000025",
            line=2,
        ),
        IdentityRow(
            child_id="C2",
            forename="Sam",
            surname="Smith",
            former_surname="Jones",
            dob=date(2011, 12, 31),
            sex="U",
            line=3,
        ),
    ]
    assert set(extract.by_child()) == {"C1", "C2"}


def test_identity_only_required_columns(tmp_path: Path) -> None:
    extract = read_identity(
        write(tmp_path, "ids.csv", "child_id,forename,surname,dob", "C1,Ann,Lee,01/01/2012")
    )
    assert extract.rows[0].nhs_number is None and extract.rows[0].placement_authority is None


def test_identity_lacking_required_column(tmp_path: Path) -> None:
    extract = read_identity(write(tmp_path, "ids.csv", "child_id,surname", "C1,Lee"))
    assert extract.rows == []
    assert where(extract.problems) == {(1, "forename, dob")}


def test_identity_row_problems(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ids.csv",
        "child_id,forename,surname,dob,sex,placement_authority",
        "C1,,Lee,01/01/2012,,",  # 2: no forename
        "C2,Ann,Lee,30/02/2012,,",  # 3: no such date
        "C3,Ann,Lee,01/01/2012,Q,E0800002",  # 4: bad sex and authority dropped
        "C4,Ann,,01/01/2012,,",  # 5: no surname
        "C3,Bea,Lee,01/01/2012,,",  # 6: repeated child_id
        ",Ann,Lee,01/01/2012,,",  # 7: no child_id
        "C5,Ann,Lee,,,",  # 8: no dob
    )
    extract = read_identity(path)
    assert where(extract.problems) == {
        (2, "forename"),
        (3, "dob"),
        (4, "sex"),
        (4, "placement_authority"),
        (5, "surname"),
        (6, "child_id"),
        (7, "child_id"),
        (8, "dob"),
    }
    (only,) = extract.rows
    assert (only.child_id, only.forename, only.sex, only.placement_authority) == (
        "C3",
        "Ann",
        None,
        None,
    )
    assert all("Lee" not in str(p) for p in extract.problems)  # no personal values echoed


def test_identity_missing_file(tmp_path: Path) -> None:
    extract = read_identity(tmp_path / "ids.csv")
    assert where(extract.problems) == {(0, "")}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("B1 1AA", "B1 1AA"),
        (" b11aa ", "B1 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("b1  1", "B1 1"),
        ("B1", "B1"),
        ("SW1A", "SW1A"),
        ("B11", "B11"),
        ("", None),
        ("1AA", None),
        ("B1 1A", None),
        ("ABC 1", None),
    ],
)
def test_area_key(text: str, key: str | None) -> None:
    assert area_key(text) == key


def test_lookup_longest_match_wins() -> None:
    lookup = PostcodeLookup({"B1": "E1", "B1 1": "E2", "b11aa": "E3", "B11": "E4"})
    assert lookup.authority_for("B1 1AA") == "E3"
    assert lookup.authority_for("b1   1aa") == "E3"
    assert lookup.authority_for("B11AA") == "E3"
    assert lookup.authority_for("B1 1AB") == "E2"
    assert lookup.authority_for("B1 2AA") == "E1"
    assert lookup.authority_for("B11 9ZZ") == "E4"
    assert lookup.authority_for("B1 1") == "E2"  # a sector, as liia degrades them
    assert lookup.authority_for("B2 1AA") is None
    assert lookup.authority_for("not a postcode") is None
    assert len(lookup) == 4


def test_lookup_rejects_bad_keys() -> None:
    with pytest.raises(ValueError):
        PostcodeLookup({"nonsense": "E08000025"})


def test_read_postcode_lookup(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "lookup.csv",
        "Postcode,Authority",
        "B1,E08000025",
        "B1 1,e08000026",
        "WV1,",  # 4: no authority
        "12,E08000031",  # 5: not a postcode
        "M1,Manchester",  # 6: not an ONS code
        "B1,E08000099",  # 7: conflicting repeat
        "B1,E08000025",  # 8: harmless repeat
    )
    lookup = read_postcode_lookup(path)
    assert where(lookup.problems) == {
        (4, "authority"),
        (5, "postcode"),
        (6, "authority"),
        (7, "postcode"),
    }
    assert lookup.authority_for("B1 1AA") == "E08000026"
    assert lookup.authority_for("B1 2AA") == "E08000025"


def test_read_postcode_lookup_wrong_header(tmp_path: Path) -> None:
    lookup = read_postcode_lookup(write(tmp_path, "lookup.csv", "pcd,la", "B1,E08000025"))
    assert len(lookup) == 0
    assert where(lookup.problems) == {(1, "postcode, authority")}


def test_a_confidential_location_is_read_and_a_doubtful_value_taken_as_yes(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "ids.csv",
        "child_id,forename,surname,dob,confidential_location",
        "C1,Amy,Ng,01/02/2012,Yes",
        "C2,Ben,Ng,01/02/2012,",
        "C3,Cal,Ng,01/02/2012,no",
        "C4,Dee,Ng,01/02/2012,maybe",
    )
    extract = read_identity(path)
    flags = {row.child_id: row.confidential_location for row in extract.rows}
    assert flags == {"C1": True, "C2": False, "C3": False, "C4": True}
    [problem] = extract.problems
    assert (problem.line, problem.column) == (5, "confidential_location")
    assert "taken as yes" in problem.message
