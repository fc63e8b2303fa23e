"""Identity extract reader: one row per child, joined to the 903 by `child_id`.

Values stay as the council wrote them (trimmed, blank -> None); normalise.py normalises names,
NHS numbers, UPNs and postcodes. Only `dob` is parsed and `sex` mapped as in the 903.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from connectors import normalise
from connectors.sources.csvfile import Row, collect, keep_first, open_csv
from connectors.sources.problems import Effect, SourceProblem, shown
from connectors.sources.ssda903 import read_sex, read_upn

REQUIRED = ("child_id", "forename", "surname", "dob")
_ONS_CODE = re.compile(r"[EWSN]\d{8}")


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityRow:
    """One child's identifiers, as written in the extract (`line` is where)."""

    child_id: str
    nhs_number: str | None = None
    upn: str | None = None
    forename: str
    known_as: str | None = None
    surname: str
    former_surname: str | None = None
    dob: date
    sex: str | None = None
    postcode: str | None = None
    placement_authority: str | None = None
    # Where the child lives must not be shared (e.g. risk from family): optional column
    # `confidential_location`, yes/no. A non-identifying fact the hub uses to withhold location.
    confidential_location: bool = False
    line: int = 0


@dataclass(slots=True)
class IdentityExtract:
    """The usable rows, and what went wrong."""

    rows: list[IdentityRow] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    data_rows: int = 0  # non-blank data rows in the file

    def by_child(self) -> dict[str, IdentityRow]:
        """Rows keyed by `child_id`."""
        return {row.child_id: row for row in self.rows}


def read_identity(path: Path, *, today: date | None = None) -> IdentityExtract:
    """Read the identity extract CSV (header names case-insensitive, any order, BOM allowed)."""
    out = IdentityExtract()
    csv_file = open_csv(Path(path), out.problems, str.lower, today=today, key="child_id")
    if csv_file is None:
        return out
    if not csv_file.require(REQUIRED, "identity extract"):
        return out
    rows = collect(csv_file, _identity)
    out.rows = keep_first(rows, lambda r: (r.child_id, r.line), csv_file, "child_id")
    out.data_rows = csv_file.data_rows
    return out


def _identity(row: Row) -> IdentityRow:
    child_id, forename = row.need("child_id"), row.need("forename")
    surname, dob = row.need("surname"), row.need_dob("dob")
    return IdentityRow(
        child_id=child_id,
        forename=forename,
        surname=surname,
        dob=dob,
        nhs_number=_nhs_number(row),
        upn=read_upn(row, "upn"),
        known_as=row.get("known_as"),
        former_surname=row.get("former_surname"),
        sex=read_sex(row, "sex"),
        postcode=row.get("postcode"),
        placement_authority=_authority(row),
        confidential_location=_confidential(row),
        line=row.line,
    )


def _nhs_number(row: Row) -> str | None:
    text = row.get("nhs_number")
    if text is None or normalise.nhs_number(text) is not None:
        return text
    row.drop(
        "nhs_number",
        "nhs_number is not 10 digits with a valid modulus-11 check digit",
        "correct nhs_number, or leave it blank",
    )
    return None


YES, NO = frozenset({"y", "yes", "true", "1"}), frozenset({"n", "no", "false", "0"})


def _confidential(row: Row) -> bool:
    """Blank is no. A value that is neither yes nor no is reported and taken as yes: the safe
    reading is to withhold a location that may be confidential."""
    text = row.get("confidential_location")
    if text is None or text.lower() in NO:
        return False
    if text.lower() not in YES:
        message = f"confidential_location '{shown(text)}' is not yes or no; taken as yes"
        remedy = "write yes or no, or leave it blank for no"
        row.problems.append(
            SourceProblem(
                row.file, row.line, "confidential_location", message, remedy, Effect.VALUE
            )
        )
    return True


def _authority(row: Row) -> str | None:
    text = row.get("placement_authority")
    if text is None:
        return None
    if _ONS_CODE.fullmatch(text.upper()):
        return text.upper()
    row.drop(
        "placement_authority",
        f"placement_authority '{shown(text)}' is not an ONS code",
        "use the 9-character ONS code of the authority, e.g. E08000025, or leave it blank",
    )
    return None
