"""Source problems, and the CSV reading every source reader shares.

A problem names the file, the physical line (header = line 1, 0 = the file as a whole), the
column and what the operator should do. Problems never stop valid rows: a bad row is skipped,
a bad optional value is dropped. Messages never echo personal values (names, dates, ids,
postcodes); the line number is enough to find them.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

SAVE_AS_UTF8 = "save the file as CSV UTF-8 (in Excel: Save As > CSV UTF-8)"
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """One thing wrong in a source file, and its remedy."""

    file: str
    line: int
    column: str
    message: str
    remedy: str

    def __str__(self) -> str:
        where = f"column {self.column}: " if self.column else ""
        return f"{self.file}:{self.line}: {where}{self.message} ({self.remedy})"


class RowSkipped(Exception):
    """Raised by a row parser: the row is unusable and is reported and skipped."""

    def __init__(self, column: str, message: str, remedy: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message
        self.remedy = remedy


def _blank(column: str) -> RowSkipped:
    return RowSkipped(column, f"{column} is blank; row skipped", f"fill in {column}")


@lru_cache(maxsize=16384)
def parse_date(text: str) -> date:
    """`dd/mm/YYYY` (day and month may have one digit) or `YYYY-MM-DD`; ValueError otherwise."""
    if m := _DAY_FIRST.fullmatch(text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if m := _ISO.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(text)


@dataclass(slots=True)
class Row:
    """One data row (cells trimmed, padded to the header), plus where it came from."""

    file: str
    line: int
    cells: list[str]
    columns: dict[str, int]
    problems: list[SourceProblem]

    def get(self, column: str) -> str | None:
        """The trimmed value, or None when blank or the column is absent."""
        i = self.columns.get(column)
        return None if i is None else self.cells[i] or None

    def need(self, column: str) -> str:
        """The trimmed value; a blank skips the row."""
        value = self.get(column)
        if value is None:
            raise _blank(column)
        return value

    def _date(self, column: str) -> tuple[date | None, bool]:
        """(the date, whether the value was valid); a blank is a valid absence."""
        text = self.get(column)
        if text is None:
            return None, True
        try:
            return parse_date(text), True
        except ValueError:
            return None, False

    def get_date(self, column: str) -> date | None:
        """An optional date; a value that is not a real date skips the row."""
        value, valid = self._date(column)
        if not valid:
            raise RowSkipped(
                column,
                f"{column} is not a real date in dd/mm/YYYY or YYYY-MM-DD form; row skipped",
                f"correct {column}",
            )
        return value

    def loose_date(self, column: str) -> date | None:
        """An optional date whose invalid value is reported and dropped, keeping the row."""
        value, valid = self._date(column)
        if not valid:
            self.drop(column, f"{column} is not a real date", f"correct {column}")
        return value

    def need_date(self, column: str) -> date:
        """A required date: blank or invalid skips the row."""
        value = self.get_date(column)
        if value is None:
            raise _blank(column)
        return value

    def report(self, column: str, message: str, remedy: str) -> None:
        """Record a problem against this row."""
        self.problems.append(SourceProblem(self.file, self.line, column, message, remedy))

    def drop(self, column: str, message: str, remedy: str) -> None:
        """Report a bad optional value, which is then treated as blank."""
        self.report(column, f"{message}; value ignored", remedy)


@dataclass(slots=True)
class CsvFile:
    """An opened CSV: its column names (folded) and an iterator over its data rows."""

    name: str
    columns: dict[str, int]
    width: int  # cells in the header row
    problems: list[SourceProblem]
    _reader: Iterator[list[str]]
    _line_num: Callable[[], int]
    _check_bytes: bool

    def report(self, line: int, column: str, message: str, remedy: str) -> None:
        """Record a problem against a line of this file."""
        self.problems.append(SourceProblem(self.name, line, column, message, remedy))

    def require(self, columns: Sequence[str], what: str) -> bool:
        """True if the header has every column; otherwise report the lacking ones."""
        lacking = [c for c in columns if c not in self.columns]
        if lacking:
            message = f"{what} lacks a required column; no rows read"
            self.report(1, ", ".join(lacking), message, f"the header needs {', '.join(columns)}")
        return not lacking

    def rows(self) -> Iterator[Row]:
        """Non-blank data rows, each with its first physical line number."""
        width, last = self.width, self._line_num()
        while (raw := self._next(last + 1)) is not None:
            line, last = last + 1, self._line_num()
            cells = [c.strip() for c in raw]
            if not any(cells):
                continue
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            row = Row(self.name, line, cells, self.columns, self.problems)
            if not self._row_is_bad(row, width, last - line + 1):
                yield row

    def _next(self, line: int) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as e:
            message = f"cannot read CSV from here on ({e}); rest of file skipped"
            self.problems.append(
                SourceProblem(self.name, line, "", message, "check the quotes on this line")
            )
            return None

    def _row_is_bad(self, row: Row, width: int, lines: int) -> bool:
        if lines > 1:
            row.report(
                "",
                f"row runs over {lines} lines (a quote left open?); row skipped",
                "remove line breaks and stray quotes from values",
            )
            return True
        if len(row.cells) > width and any(row.cells[width:]):
            row.report(
                "",
                f"row has {len(row.cells)} values but the header has {width}; row skipped",
                "quote values that contain commas",
            )
            return True
        if self._check_bytes and any(_UNDECODABLE.search(c) for c in row.cells):
            row.report("", "row has bytes that are not UTF-8; row skipped", SAVE_AS_UTF8)
            return True
        return False


def collect(csv_file: CsvFile, parse: Callable[[Row], T]) -> list[T]:
    """Parse every row, reporting and skipping the rows the parser rejects."""
    out: list[T] = []
    for row in csv_file.rows():
        try:
            out.append(parse(row))
        except RowSkipped as e:
            row.report(e.column, e.message, e.remedy)
    return out


def keep_first(
    rows: list[T], key: Callable[[T], tuple[str, int]], csv_file: CsvFile, column: str
) -> list[T]:
    """Drop rows whose id (`key` gives id and line) was seen before, reporting each."""
    seen: set[str] = set()
    kept: list[T] = []
    for row in rows:
        ident, line = key(row)
        if ident in seen:
            message = f"{column} appears twice; row skipped (the first is used)"
            csv_file.report(line, column, message, "give each child one row")
            continue
        seen.add(ident)
        kept.append(row)
    return kept


def open_csv(
    path: Path, problems: list[SourceProblem], fold: Callable[[str], str]
) -> CsvFile | None:
    """Read a CSV's header (names passed through `fold`); None, with a problem, if unreadable."""
    name = str(path)
    text, check_bytes = _read_text(path, name, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
    if header is None:
        problems.append(SourceProblem(name, 1, "", "file is empty", "export it with a header row"))
        return None
    if check_bytes and any(_UNDECODABLE.search(c) for c in header):
        problems.append(
            SourceProblem(name, 1, "", "header has bytes that are not UTF-8", SAVE_AS_UTF8)
        )
        return None
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        columns.setdefault(fold(raw.strip().lstrip("\ufeff").strip()), i)
    return CsvFile(
        name, columns, len(header), problems, reader, lambda: reader.line_num, check_bytes
    )


def _read_text(path: Path, name: str, problems: list[SourceProblem]) -> tuple[str | None, bool]:
    """Decode UTF-8 (BOM optional); bad bytes become surrogates, so their rows can be reported."""
    try:
        data = path.read_bytes()
    except OSError as e:
        problems.append(
            SourceProblem(
                name,
                0,
                "",
                f"cannot read file: {e.strerror or e}",
                "check the path and the file permissions",
            )
        )
        return None, False
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(SourceProblem(name, 1, "", "file is UTF-16, not UTF-8", SAVE_AS_UTF8))
        return None, False
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors="surrogateescape"), True
