"""SSDA903 reader: the shared samples, encodings, SEX codes and broken rows."""

from datetime import date
from pathlib import Path

import pytest

from connectors.sources import SourceProblem, read_903, read_903_dir
from connectors.sources.problems import parse_date
from tests.conftest import SAMPLES_903

SAMPLES = SAMPLES_903
CSC = SAMPLES / "csc-validator-be-903"
PIPELINE = SAMPLES / "liia-tools-pipeline"
LIIA = SAMPLES / "liia-tools"

EPISODES_HEADER = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
MISSING_HEADER = "CHILD,DOB,MISSING,MIS_START,MIS_END"
HEADER_HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"


def write(directory: Path, name: str, *lines: str, encoding: str = "utf-8") -> Path:
    path = directory / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def where(problems: list[SourceProblem]) -> set[tuple[str, int, str]]:
    return {(Path(p.file).name, p.line, p.column) for p in problems}


def test_csc_validator_sample_reads_cleanly() -> None:
    data = read_903_dir(CSC)
    assert data.problems == []
    assert (len(data.header), len(data.episodes), len(data.missing)) == (2675, 5050, 43)
    assert {p.name for p in data.ignored_files} == {
        "DoLo.csv",
        "ad1.csv",
        "oc2.csv",
        "oc3.csv",
        "placed_for_adoption.csv",
        "placed_for_adoption_errors.csv",
        "previous_permanence.csv",
        "reviews.csv",
        "sw_episodes.csv",
        "uasc.csv",
    }
    assert data.files == {
        "Header": str(CSC / "header.csv"),
        "Episodes": str(CSC / "episodes.csv"),
        "Missing": str(CSC / "missing.csv"),
    }


def test_csc_validator_values() -> None:
    data = read_903_dir(CSC)
    first = data.header[0]
    assert (first.child, first.sex, first.dob, first.upn, first.line) == (
        "566910",
        "F",
        date(2008, 3, 27),
        "D051910639385",
        2,
    )
    assert {h.sex for h in data.header} == {"M", "F"}
    open_episode = data.episodes[1]
    assert open_episode.dec is None
    assert (open_episode.decom, open_episode.ls, open_episode.place) == (
        date(2017, 8, 14),
        "C2",
        "A3",
    )
    assert (open_episode.home_post, open_episode.pl_post, open_episode.line) == (
        "EG19 7TT",
        "WV27 9FW",
        3,
    )
    assert data.episodes[0].home_post is None
    missing = data.missing[0]
    assert (missing.child, missing.kind, missing.start, missing.end, missing.dob) == (
        "510000",
        "A",
        date(2017, 11, 13),
        date(2017, 11, 25),
        date(2002, 3, 12),
    )
    assert sum(m.kind == "A" for m in data.missing) == 24


def test_liia_pipeline_broken_inputs_point_at_line_and_column() -> None:
    data = read_903_dir(PIPELINE)
    episodes, header = "SSDA903_2020_episodes.csv", "SSDA903_2020_header.csv"
    assert where(data.problems) == {
        (episodes, 3, "LS"),  # blank legal status: row skipped
        (episodes, 5, "PL_POST"),  # "2TR": value dropped
        (episodes, 6, "RNE"),  # "*DUMMY*": value dropped
        *((header, line, "UPN") for line in range(2, 7)),  # "3412" etc.
        (header, 3, "CHILD"),
        (header, 4, "CHILD"),
        (header, 6, "CHILD"),  # repeated child
        ("liia-tools-pipeline", 0, ""),  # no Missing table
    }
    assert [e.line for e in data.episodes] == [2, 4, 5, 6]
    assert data.episodes[2].pl_post is None and data.episodes[3].rne is None
    assert [h.line for h in data.header] == [2, 5]
    assert all(h.upn is None for h in data.header)


def test_liia_raw_and_aggregated_episodes() -> None:
    raw = read_903([LIIA / "SSDA903_2020_episodes.csv"])
    assert len(raw.episodes) == 5 and raw.episodes[0].dec == date(2019, 7, 18)
    aggregated = read_903([LIIA / "SSDA903_episodes_for_testing_fixes_INPUT.csv"])
    assert len(aggregated.episodes) == 23  # ISO dates, extra LA/YEAR columns, CRLF
    assert aggregated.episodes[0].decom == date(2015, 6, 19)
    assert sum(e.dec is None for e in aggregated.episodes) == 9
    degraded = ("SSDA903_episodes_for_testing_fixes_INPUT.csv", 2, "HOME_POST")  # "ABC 1"
    assert degraded in where(aggregated.problems)


def test_bom_crlf_and_new_sex_codes(tmp_path: Path) -> None:
    rows = [
        "A,1,01/01/2010,WBRI,,,",
        "B,2,01/01/2010,WBRI,,,",
        "C,M,01/01/2010,WBRI,,,",
        "D,f,01/01/2010,WBRI,UN2,,",
        "E,U,01/01/2010,WBRI,,,",
        "F,X,01/01/2010,WBRI,,,",
        "G,,01/01/2010,WBRI,,,",
    ]
    path = tmp_path / "h.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([HEADER_HEADER, *rows]) + "\r\n").encode())
    data = read_903([path])
    assert [h.sex for h in data.header] == ["M", "F", "M", "F", "U", None, None]
    assert data.header[3].upn == "UN2"
    assert where(data.problems) == {("h.csv", 7, "SEX"), ("(903 files)", 0, "")}


def test_tables_recognised_by_header_set(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.csv",
        "URN,PL_POST,HOME_POST,REASON_PLACE_CHANGE,REC,DEC,PLACE_PROVIDER,"
        "PLACE,CIN,LS,RNE,DECOM,CHILD,EXTRA",
        "4,,,,,,,U1,,C2,S,01/02/2020,K1,x",
    )
    write(tmp_path, "b.csv", "child,dob,missing,mis_start,mis_end,,", "K1,,m,2020-03-01,,,")
    write(tmp_path, "c.csv", "CHILD,DOB,REVIEW,REVIEW_CODE", "K1,01/01/2010,01/01/2020,PN1")
    write(tmp_path, "d.csv", HEADER_HEADER, "K1,1,01/01/2010,WBRI,,,")
    data = read_903_dir(tmp_path)
    assert data.problems == []
    assert data.episodes[0].child == "K1" and data.episodes[0].place == "U1"
    assert data.missing[0].kind == "M" and data.missing[0].end is None
    assert [p.name for p in data.ignored_files] == ["c.csv"]


def test_broken_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        "e.csv",
        EPISODES_HEADER,
        "A,31/02/2019,S,C2,N1,U1,PR1,,,,,,",  # 2: not a real date
        ",01/02/2019,S,C2,N1,U1,PR1,,,,,,",  # 3: no CHILD
        "C,01/02/2019,S,C2,N1,U1,PR1,01/01/2019,X1,,,,",  # 4: DEC before DECOM
        "D,01/02/2019,S,C2,N1,,PR1,,,,,,",  # 5: no PLACE
        "E,01/02/2019,S,C2,N1,U1,PR1,2019-02-30,,,,,",  # 6: bad DEC
        "F,1/2/2019,S,c2,N1,U1,PR1,,,,b1 1aa,,",  # 7: fine
        ",,,,,,,,,,,,",  # 8: blank row, ignored
        "G,01/02/2019,S,C2,N1,U1,PR1,,,,,,,surplus",  # 9: too many values
    )
    write(
        tmp_path,
        "m.csv",
        MISSING_HEADER,
        "A,01/01/2010,X,01/02/2019,",  # 2: bad MISSING
        "B,01/01/2010,M,,",  # 3: no MIS_START
        "C,01/01/2010,A,05/02/2019,04/02/2019",  # 4: end before start
        "D,99/99/2010,A,05/02/2019,05/02/2019",  # 5: bad DOB dropped, row kept
    )
    write(tmp_path, "h.csv", HEADER_HEADER, "F,1,01/01/2010,WBRI,,,")
    data = read_903_dir(tmp_path)
    assert where(data.problems) == {
        ("e.csv", 2, "DECOM"),
        ("e.csv", 3, "CHILD"),
        ("e.csv", 4, "DEC"),
        ("e.csv", 5, "PLACE"),
        ("e.csv", 6, "DEC"),
        ("e.csv", 9, ""),
        ("m.csv", 2, "MISSING"),
        ("m.csv", 3, "MIS_START"),
        ("m.csv", 4, "MIS_END"),
        ("m.csv", 5, "DOB"),
    }
    assert [(e.child, e.ls, e.decom, e.home_post) for e in data.episodes] == [
        ("F", "C2", date(2019, 2, 1), "b1 1aa")
    ]
    assert [(m.child, m.dob, m.line) for m in data.missing] == [("D", None, 5)]


def test_lines_are_physical_lines(tmp_path: Path) -> None:
    lines = ['A,"01/01/2010",M,01/02/2019,', '"B', '",x,M,,', "C,,M,,", 'D,,M,"01/02/2019,']
    write(tmp_path, "m.csv", MISSING_HEADER, "", *lines, "E,,M,01/02/2019,")
    data = read_903([tmp_path / "m.csv"])
    assert [(m.child, m.line) for m in data.missing] == [("A", 3)]
    assert where(data.problems) == {
        ("m.csv", 4, ""),  # "B<newline>" runs over two lines: the file is not read further
        ("(903 files)", 0, ""),  # no Header or Episodes table
    }
    assert all(p.stops_sync for p in data.problems)


def test_file_level_problems(tmp_path: Path) -> None:
    write(tmp_path, "utf16.csv", MISSING_HEADER, encoding="utf-16")
    write(tmp_path, "empty.csv")
    write(tmp_path, "near.csv", "CHILD,DOB,MISSING,MIS_START")
    data = read_903(
        [
            tmp_path / "absent.csv",
            tmp_path / "utf16.csv",
            tmp_path / "empty.csv",
            tmp_path / "near.csv",
        ],
        where="exports",
    )
    assert where(data.problems) == {
        ("absent.csv", 0, ""),
        ("utf16.csv", 1, ""),
        ("empty.csv", 1, ""),
        ("near.csv", 1, "MIS_END"),
        ("exports", 0, ""),
    }
    assert "save the file as CSV UTF-8" in str(data.problems[1])


def test_bad_bytes_in_utf8_skip_only_their_row(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(
        b"CHILD,DOB,MISSING,MIS_START,MIS_END\nA\xc3\xa9,,M,01/02/2019,\n"
        b"B\xe9,,M,01/02/2019,\nC,,A,01/02/2019,\n"
    )
    data = read_903([path])
    assert [m.child for m in data.missing] == ["A\u00e9", "C"]
    assert ("m.csv", 3, "CHILD") in where(data.problems)


def test_windows_1252_is_read(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(
        b"CHILD,DOB,MISSING,MIS_START,MIS_END\nA,,M,01/02/2019,\nB\xe9,,M,01/02/2019,\n"
    )
    assert [m.child for m in read_903([path]).missing] == ["A", "B\u00e9"]


def test_second_table_of_a_kind_is_ignored(tmp_path: Path) -> None:
    first = write(tmp_path, "1.csv", MISSING_HEADER, "A,,M,01/02/2019,")
    second = write(tmp_path, "2.csv", MISSING_HEADER, "B,,M,01/02/2019,")
    data = read_903([first, second])
    assert [m.child for m in data.missing] == ["A"]
    assert data.ignored_files == [second]
    assert ("2.csv", 1, "") in where(data.problems)


def test_missing_directory_is_a_problem(tmp_path: Path) -> None:
    data = read_903_dir(tmp_path / "nowhere")
    assert where(data.problems) == {("nowhere", 0, "")}


def test_problem_text() -> None:
    problem = SourceProblem("e.csv", 7, "DEC", "DEC is blank", "fill in DEC")
    assert str(problem) == "e.csv:7: column DEC: DEC is blank (fill in DEC)"
    assert str(SourceProblem("e.csv", 7, "", "bad row", "fix it")) == "e.csv:7: bad row (fix it)"


@pytest.mark.parametrize("text", ["31/02/2019", "2019-13-01", "01-02-2019", "1/2/19", ""])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_parse_date_accepts_both_forms() -> None:
    assert parse_date("29/02/2020") == parse_date("2020-02-29") == date(2020, 2, 29)
    assert parse_date("1/2/2020") == date(2020, 2, 1)
