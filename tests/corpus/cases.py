"""The malformed-input corpus as cases: mutations of tests/corpus/good/ and the hand-made files
in tests/corpus/hand/, each with the exit code and the located error it must give."""

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HOME = "E08000025"
FILES = {  # table -> (file in the council folder, the column naming the child, another column)
    "Header": ("903/header.csv", "CHILD", "DOB"),
    "Episodes": ("903/episodes.csv", "CHILD", "DECOM"),
    "Missing": ("903/missing.csv", "CHILD", "MIS_START"),
    "identities": ("identities.csv", "child_id", "surname"),
    "lookup": ("postcode_lookup.csv", "postcode", "authority"),
}
Mutation = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    table: str
    mutate: Mutation
    exit_code: int
    where: str  # expected in stderr, e.g. "episodes.csv:4: column DECOM"


# --- mutations of one file -----------------------------------------------------------------


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def edit_lines(edit: Callable[[list[str]], list[str]]) -> Mutation:
    return lambda path: path.write_text("".join(edit(lines_of(path))), encoding="utf-8")


def set_cell(line: int, column: str, value: Callable[[str], str]) -> Mutation:
    def edit(lines: list[str]) -> list[str]:
        header = lines[0].rstrip("\r\n").split(",")
        cells = lines[line - 1].rstrip("\r\n").split(",")
        i = header.index(column)
        cells[i] = value(cells[i])
        lines[line - 1] = ",".join(cells) + "\n"
        return lines

    return edit_lines(edit)


def reencode(encoding: str) -> Mutation:
    return lambda path: path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def cut_mid_row(lines: list[str]) -> list[str]:
    last = lines[-1].rstrip("\n")
    return [*lines[:-1], last[: min(len(last) // 2, last.rindex(","))]]


def drop_column(column: str) -> Mutation:
    def edit(lines: list[str]) -> list[str]:
        index = lines[0].rstrip("\n").split(",").index(column)
        return [
            ",".join(c for i, c in enumerate(x.rstrip("\n").split(",")) if i != index) + "\n"
            for x in lines
        ]

    return edit_lines(edit)


def delete(path: Path) -> None:
    path.unlink()


def empty(path: Path) -> None:
    path.write_bytes(b"")


def file_cases() -> list[pytest.ParameterSet]:
    """Whole-file damage to every input: the sync stops (65) or is refused (3)."""
    cases: list[pytest.ParameterSet] = []
    for table, (file, _key, other) in FILES.items():
        name = Path(file).name
        missing_place = "903:0:" if file.startswith("903/") else f"{name}:0:"
        header_only = (3, "nothing was sent") if table == "Missing" else (65, f"{name}:1:")
        for label, mutate, code, where in (
            ("missing", delete, 65, missing_place),
            ("empty", empty, 65, f"{name}:1: file is empty"),
            ("header-only", edit_lines(lambda x: x[:1]), *header_only),
            ("cut-mid-row", edit_lines(cut_mid_row), 65, "(file cut off?)"),
            ("column-dropped", drop_column(other), 65, f"{name}:1: column "),
            ("utf-16", reencode("utf-16"), 65, f"{name}:1: file is UTF-16"),
            ("utf-16-no-bom", reencode("utf-16-le"), 65, f"{name}:1: file is UTF-16"),
            (
                "semicolons",
                edit_lines(lambda x: [v.replace(",", ";") for v in x]),
                65,
                "by semicolons",
            ),
            ("tabs", edit_lines(lambda x: [v.replace(",", "\t") for v in x]), 65, "by tabs"),
            (
                "open-quote",
                edit_lines(lambda x: [*x[:2], '"' + x[2], *x[3:]]),
                65,
                f"{name}:3: a quote",
            ),
            (
                "ragged",
                edit_lines(lambda x: [*x[:2], x[2].rsplit(",", 1)[0] + "\n", *x[3:]]),
                65,
                f"{name}:3: row has",
            ),
            (
                "half-the-rows",
                edit_lines(lambda x: x[: 1 + (len(x) - 1) // 2]),
                3,
                "nothing was sent",
            ),
        ):
            cases.append(pytest.param(Case(table, mutate, code, where), id=f"{table}-{label}"))
    return cases


def row_cases() -> list[pytest.ParameterSet]:
    """One bad value in line 4 of every input: reported with its column; the rest is sent."""
    cases: list[pytest.ParameterSet] = []
    for table, (file, key, other) in FILES.items():
        name = Path(file).name
        for column in (key, other):
            for label, value in (
                ("nul", lambda v: v[:2] + "\x00" + v[2:]),
                ("escape", lambda v: "\x1b[31m" + v),
                ("300-chars", lambda v: "7" * 300),
                ("blank", lambda v: ""),
            ):
                where = f"{name}:4: column {column}:"
                case = Case(table, set_cell(4, column, value), 1, where)
                cases.append(pytest.param(case, id=f"{table}-{column}-{label}"))
    return cases


def hand_made(name: str) -> Mutation:
    return lambda path: shutil.copyfile(CORPUS / "hand" / name, path)


def _case(table: str, mutate: Mutation, code: int, where: str, case_id: str) -> pytest.ParameterSet:
    return pytest.param(Case(table, mutate, code, where), id=case_id)


IDS, EPS, MIS, HDR = "identities", "Episodes", "Missing", "Header"
SPECIFIC = [
    _case(IDS, hand_made("identities_windows1252.csv"), 0, "", "identities-windows-1252-read"),
    _case(IDS, reencode("utf-8-sig"), 0, "", "identities-utf8-bom-read"),
    _case(
        IDS,
        hand_made("identities_excel_semicolons.csv"),
        65,
        "identities.csv:1: columns are separated by semicolons",
        "identities-hand-semicolons",
    ),
    _case(
        IDS,
        hand_made("identities_unquoted_comma.csv"),
        1,
        "identities.csv:5: row has 10 values",
        "identities-hand-unquoted-comma",
    ),
    _case(EPS, hand_made("episodes_cut_off.csv"), 65, "(file cut off?)", "episodes-hand-cut-off"),
    _case(
        MIS,
        hand_made("missing_terminal_escape.csv"),
        1,
        "missing.csv:4: column MISSING: MISSING contains a control character",
        "missing-hand-terminal-escape",
    ),
    _case(
        IDS,
        lambda p: p.write_bytes(p.read_bytes().replace(b"Jones", b"Jo\xffnes")),
        1,
        "identities.csv:5: column surname",
        "identities-stray-byte",
    ),
    _case(
        IDS,
        set_cell(4, "nhs_number", lambda v: v[:-1] + str((int(v[-1]) + 1) % 10)),
        1,
        "identities.csv:4: column nhs_number: nhs_number is not 10 digits with a valid modulus-11",
        "identities-nhs-modulus-11",
    ),
    _case(
        IDS,
        set_cell(3, "upn", lambda v: "A" + v[1:] if v[0] != "A" else "B" + v[1:]),
        1,
        "identities.csv:3: column upn: upn fails its check letter",
        "identities-upn-check-letter",
    ),
    _case(
        IDS,
        set_cell(4, "dob", lambda v: "31/02/2012"),
        1,
        "identities.csv:4: column dob: dob is not a real date",
        "identities-impossible-dob",
    ),
    _case(
        IDS,
        set_cell(4, "dob", lambda v: "12/03/2099"),
        1,
        "identities.csv:4: column dob: dob is in the future",
        "identities-future-dob",
    ),
    _case(
        IDS,
        set_cell(4, "dob", lambda v: "12/03/1899"),
        1,
        "identities.csv:4: column dob: dob is before 1900",
        "identities-dob-before-1900",
    ),
    _case(
        IDS,
        set_cell(4, "dob", lambda v: "01/01/1900"),
        1,
        "identities.csv:4: column dob: dob is before 1900",
        "identities-dob-placeholder",
    ),
    _case(
        IDS,
        set_cell(4, "forename", lambda v: "\u202eevil"),
        1,
        "identities.csv:4: column forename: forename contains a control",
        "identities-bidi-override",
    ),
    _case(
        IDS,
        edit_lines(lambda x: [*x, x[4]]),
        1,
        "identities.csv:14: column child_id: child_id appears twice",
        "identities-duplicate-child",
    ),
    _case(
        IDS,
        set_cell(4, "sex", lambda v: "X"),
        1,
        "identities.csv:4: column sex: sex 'X'",
        "identities-bad-sex",
    ),
    _case(
        HDR,
        set_cell(4, "DOB", lambda v: "12/03/1899"),
        1,
        "header.csv:4: column DOB: DOB is before 1900",
        "header-dob-before-1900",
    ),
    _case(
        HDR,
        set_cell(4, "DOB", lambda v: "12/03/2099"),
        1,
        "header.csv:4: column DOB: DOB is in the future",
        "header-future-dob",
    ),
    _case(
        HDR,
        set_cell(4, "UPN", lambda v: "NOT-A-UPN"),
        1,
        "header.csv:4: column UPN: UPN is not",
        "header-bad-upn",
    ),
    _case(
        EPS,
        set_cell(4, "DECOM", lambda v: "31/02/2026"),
        1,
        "episodes.csv:4: column DECOM: DECOM is not a real date",
        "episodes-impossible-decom",
    ),
    _case(
        EPS,
        set_cell(4, "DECOM", lambda v: "01/04/2099"),
        1,
        "episodes.csv:4: column DECOM: DECOM is in the future",
        "episodes-future-decom",
    ),
    _case(
        EPS,
        set_cell(2, "DEC", lambda v: "01/01/2025"),
        1,
        "episodes.csv:2: column DEC: DEC is before DECOM",
        "episodes-ends-before-start",
    ),
    _case(
        EPS,
        set_cell(3, "LS", lambda v: "C2!"),
        1,
        "episodes.csv:3: column LS: LS 'C2!' is not a 903 code",
        "episodes-bad-legal-status",
    ),
    _case(
        EPS,
        lambda p: shutil.copyfile(p, p.with_name("episodes_copy.csv")),
        65,
        "a second Episodes table",
        "episodes-second-table",
    ),
    _case(
        MIS,
        set_cell(3, "MIS_END", lambda v: "01/06/2026"),
        1,
        "missing.csv:3: column MIS_END: MIS_END is before MIS_START",
        "missing-ends-before-start",
    ),
    _case(
        MIS,
        set_cell(3, "MIS_START", lambda v: "05/06/2099"),
        1,
        "missing.csv:3: column MIS_START: MIS_START is in the future",
        "missing-future-start",
    ),
    _case(
        MIS,
        set_cell(3, "MISSING", lambda v: "Q"),
        1,
        "missing.csv:3: column MISSING: MISSING 'Q' is not M or A",
        "missing-bad-kind",
    ),
    _case(
        "lookup",
        set_cell(2, "authority", lambda v: "Manchester"),
        1,
        "postcode_lookup.csv:2: column authority",
        "lookup-bad-authority",
    ),
    _case(
        "lookup",
        edit_lines(lambda x: [x[0], *(v.replace(",E", ",X") for v in x[1:])]),
        65,
        "postcode lookup has no usable row",
        "lookup-no-usable-row",
    ),
    _case(
        "lookup",
        lambda p: (p.unlink(), p.mkdir()),
        65,
        "postcode_lookup.csv:0: cannot read file",
        "lookup-unreadable",
    ),
]
