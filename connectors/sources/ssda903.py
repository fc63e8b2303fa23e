"""SSDA903 CSV reader: the Header, Episodes and Missing tables of the children-looked-after return.

Tables are recognised by their header set (extra columns ignored), so file names are free; other
903 tables (Reviews, UASC, ...) are listed in `ignored_files`. Dates are `dd/mm/YYYY` (or
`YYYY-MM-DD`, as liia aggregates write them); SEX `1`/`2` becomes `M`/`F`.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from connectors import normalise
from connectors.sources.csvfile import CsvFile, Row, collect, keep_first, open_csv
from connectors.sources.problems import RowSkipped, SourceProblem, file_problem, shown

HEADER = "Header"
EPISODES = "Episodes"
MISSING = "Missing"
TABLES: dict[str, frozenset[str]] = {
    HEADER: frozenset(("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")),
    EPISODES: frozenset(
        (
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
        )
    ),
    MISSING: frozenset(("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")),
}
SEX_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
_CODE = re.compile(r"[A-Z0-9]{1,6}")
_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\s*\d(?:[A-Z]{2})?", re.IGNORECASE)
_UPN = re.compile(r"[A-Z]\d{11}[A-Z\d]|UN[1-7]", re.IGNORECASE)
_NEAR_MISS = 2  # a header lacking at most this many of a table's columns is reported


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """One child in the Header table."""

    child: str
    sex: str | None
    dob: date
    upn: str | None
    line: int


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """One care episode (legal status and/or placement); `dec` None means still open."""

    child: str
    decom: date
    rne: str | None
    ls: str
    cin: str | None
    place: str
    place_provider: str | None
    dec: date | None
    rec: str | None
    home_post: str | None
    pl_post: str | None
    urn: str | None
    line: int


@dataclass(frozen=True, slots=True)
class MissingRow:
    """One missing (`M`) or away-without-authorisation (`A`) episode; `end` None if ongoing."""

    child: str
    dob: date | None
    kind: Literal["M", "A"]
    start: date
    end: date | None
    line: int


@dataclass(slots=True)
class Ssda903:
    """The three tables the connector uses, the file each came from, and what went wrong."""

    header: list[HeaderRow] = field(default_factory=list)
    episodes: list[EpisodeRow] = field(default_factory=list)
    missing: list[MissingRow] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    ignored_files: list[Path] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # table name -> file read
    rows: dict[str, int] = field(default_factory=dict)  # table name -> data rows in its file


def read_903_dir(directory: Path, *, today: date | None = None) -> Ssda903:
    """Read every `*.csv` in a directory (sorted by name)."""
    try:
        paths = sorted(p for p in Path(directory).iterdir() if p.suffix.lower() == ".csv")
    except OSError as e:
        out = Ssda903()
        message = f"cannot list directory: {e.strerror or e}"
        out.problems.append(file_problem(str(directory), 0, message, "check the 903 directory"))
        return out
    return read_903(paths, where=str(directory), today=today)


def read_903(paths: Iterable[Path], *, where: str = "", today: date | None = None) -> Ssda903:
    """Read 903 CSV files; a lacking Header, Episodes or Missing table is reported against
    `where` (a 903 without a Missing table is not "no missing episodes")."""
    out = Ssda903()
    for path in paths:
        _read_file(Path(path), out, today)
    for table in TABLES:
        if table not in out.files:
            message = f"no {table} table among the 903 files"
            remedy = f"export the {table} table as CSV with its header row"
            out.problems.append(file_problem(where or "(903 files)", 0, message, remedy))
    return out


def _read_file(path: Path, out: Ssda903, today: date | None) -> None:
    csv_file = open_csv(path, out.problems, str.upper, today=today, key="CHILD")
    if csv_file is None:
        return
    table = next((t for t, cols in TABLES.items() if cols <= csv_file.columns.keys()), None)
    if table is None or table in out.files:
        _report_unused(csv_file, table, out)
        out.ignored_files.append(path)
        return
    out.files[table] = csv_file.name
    csv_file.may_be_empty = table == MISSING  # guarded by the row-count check instead
    if table == HEADER:
        rows = collect(csv_file, _header)
        out.header = keep_first(rows, lambda r: (r.child, r.line), csv_file, "CHILD")
    elif table == EPISODES:
        out.episodes = collect(csv_file, _episode)
    else:
        out.missing = collect(csv_file, _missing)
    out.rows[table] = csv_file.data_rows


def _report_unused(csv_file: CsvFile, table: str | None, out: Ssda903) -> None:
    if table is not None:
        message = f"a second {table} table (the first is {out.files[table]})"
        csv_file.fail(1, message, f"pass one {table} file per run")
        return
    for name, cols in TABLES.items():
        lacking = sorted(cols - csv_file.columns.keys())
        if len(lacking) <= _NEAR_MISS:
            message = f"looks like the {name} table but lacks this column"
            csv_file.fail(1, message, f"export all the {name} columns", ", ".join(lacking))


def _header(row: Row) -> HeaderRow:
    child, dob = row.need("CHILD"), row.need_dob("DOB")
    sex, upn = read_sex(row, "SEX"), _checked(row, "UPN", _UPN, "a 13-character UPN or UN1-UN7")
    return HeaderRow(child=child, sex=sex, dob=dob, upn=upn, line=row.line)


def _episode(row: Row) -> EpisodeRow:
    child, decom, dec = row.need("CHILD"), row.need_date("DECOM"), row.get_date("DEC")
    if dec is not None and dec < decom:
        raise RowSkipped("DEC", "DEC is before DECOM; row skipped", "correct DECOM or DEC")
    ls, place = _need_code(row, "LS"), _need_code(row, "PLACE")
    return EpisodeRow(
        child=child,
        decom=decom,
        rne=_code(row, "RNE"),
        ls=ls,
        cin=_code(row, "CIN"),
        place=place,
        place_provider=_code(row, "PLACE_PROVIDER"),
        dec=dec,
        rec=_code(row, "REC"),
        home_post=_postcode(row, "HOME_POST"),
        pl_post=_postcode(row, "PL_POST"),
        urn=row.get("URN"),
        line=row.line,
    )


def _missing(row: Row) -> MissingRow:
    child, kind = row.need("CHILD"), _kind(row)
    start, end = row.need_date("MIS_START"), row.get_date("MIS_END")
    if end is not None and end < start:
        raise RowSkipped(
            "MIS_END", "MIS_END is before MIS_START; row skipped", "correct MIS_START or MIS_END"
        )
    return MissingRow(
        child=child, dob=row.loose_date("DOB"), kind=kind, start=start, end=end, line=row.line
    )


def read_sex(row: Row, column: str) -> str | None:
    """`M`/`F`/`U`, mapping the pre-2024-25 codes `1`/`2`; other values are reported, dropped."""
    text = row.get(column)
    if text is None:
        return None
    sex = SEX_CODES.get(text.upper())
    if sex is None:
        row.drop(column, f"{column} '{shown(text)}' is not 1, 2, M, F or U", f"correct {column}")
    return sex


def read_upn(row: Row, column: str) -> str | None:
    """A UPN with a valid check letter, or UN1-UN7; other values are reported, dropped. (The
    identity extract's UPN becomes a match key; the 903 Header's is only shape-checked, as the
    connector does not use it and the published samples carry made-up UPNs.)"""
    text = row.get(column)
    if text is None or normalise.upn(text) is not None or text.upper() in normalise.UPN_UNKNOWN:
        return text
    if _UPN.fullmatch(text.replace(" ", "")):
        row.drop(column, f"{column} fails its check letter", f"correct {column}")
    else:
        row.drop(column, f"{column} is not a 13-character UPN or UN1-UN7", f"correct {column}")
    return None


def _kind(row: Row) -> Literal["M", "A"]:
    text = row.need("MISSING").upper()
    if text == "M":
        return "M"
    if text == "A":
        return "A"
    raise RowSkipped(
        "MISSING",
        f"MISSING '{shown(text)}' is not M or A; row skipped",
        "use M (missing) or A (away without authorisation)",
    )


def _code(row: Row, column: str) -> str | None:
    text = row.get(column)
    if text is None:
        return None
    code = text.upper()
    if _CODE.fullmatch(code):
        return code
    row.drop(column, f"{column} '{shown(text)}' is not a 903 code", f"correct {column}")
    return None


def _need_code(row: Row, column: str) -> str:
    text = row.need(column)
    code = text.upper()
    if not _CODE.fullmatch(code):
        raise RowSkipped(
            column, f"{column} '{shown(text)}' is not a 903 code; row skipped", f"correct {column}"
        )
    return code


def _postcode(row: Row, column: str) -> str | None:
    return _checked(row, column, _POSTCODE, "a postcode")


def _checked(row: Row, column: str, shape: re.Pattern[str], what: str) -> str | None:
    """An optional value of a known shape, else reported and dropped."""
    text = row.get(column)
    if text is None or shape.fullmatch(text):
        return text
    row.drop(column, f"{column} is not {what}", f"correct {column}")
    return None
