"""The CSV reading every source reader shares: decoding, the header, and one `Row` per data row.

A file that cannot be trusted as a whole (unreadable, empty, UTF-16, not comma-separated,
truncated, a quote never closed) gets a FILE problem and no more rows are read from it. A row that
cannot be trusted (NUL or control characters, an over-long value, too many values) is rejected
with the column named. Values are trimmed; a blank is None.
"""

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from connectors.normalise import EARLIEST_DOB
from connectors.sources.decode import decode_text
from connectors.sources.problems import (
    Effect,
    RowSkipped,
    SourceProblem,
    file_problem,
    parse_date,
)

T = TypeVar("T")

MAX_ID = 64  # characters in a child id (DfE: at most 20)
MAX_VALUE = 120  # characters in any other value
EXPORT_AGAIN = "export the file again, complete, and check it is not cut off"
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _blank(column: str) -> RowSkipped:
    return RowSkipped(column, f"{column} is blank; row skipped", f"fill in {column}")


def _bad_value(cell: str) -> str | None:
    """Why a cell cannot be used, or None."""
    if "\x00" in cell:
        return "contains a NUL byte"
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in cell):
        return "has bytes that are neither UTF-8 nor Windows-1252"
    if not cell.isprintable():
        return "contains a control character"
    return None


@dataclass(slots=True)
class Row:
    """One data row (cells trimmed, padded to the header), plus where it came from."""

    file: str
    line: int
    cells: list[str]
    columns: dict[str, int]
    problems: list[SourceProblem]
    today: date
    child: str | None = None  # the child this row is about, when the file names one reliably
    effect: Effect = Effect.ROW  # what a rejected row costs (NOTE in files about no child)

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

    def get_date(self, column: str) -> date | None:
        """An optional date; a value that is not a real, past date skips the row."""
        text = self.get(column)
        if text is None:
            return None
        try:
            value = parse_date(text)
        except ValueError:
            raise RowSkipped(
                column,
                f"{column} is not a real date in dd/mm/YYYY or YYYY-MM-DD form; row skipped",
                f"correct {column}",
            ) from None
        if value > self.today:
            raise RowSkipped(column, f"{column} is in the future; row skipped", f"correct {column}")
        return value

    def need_date(self, column: str) -> date:
        """A required date: blank or invalid skips the row."""
        value = self.get_date(column)
        if value is None:
            raise _blank(column)
        return value

    def need_dob(self, column: str) -> date:
        """A required date of birth on or after 02/01/1900 (01/01/1900 means "not known")."""
        value = self.need_date(column)
        if value < EARLIEST_DOB:
            raise RowSkipped(
                column,
                f"{column} is before 1900 or the 01/01/1900 placeholder; row skipped",
                f"correct {column}; a real date of birth is needed",
            )
        return value

    def loose_date(self, column: str) -> date | None:
        """An optional date whose invalid value is reported and dropped, keeping the row."""
        try:
            return self.get_date(column)
        except RowSkipped as e:
            self.drop(column, e.message.removesuffix("; row skipped"), e.remedy)
            return None

    def report(self, column: str, message: str, remedy: str) -> None:
        """Record that this row was rejected."""
        self.problems.append(
            SourceProblem(self.file, self.line, column, message, remedy, self.effect, self.child)
        )

    def drop(self, column: str, message: str, remedy: str) -> None:
        """Report a bad optional value, which is then treated as blank."""
        problem = SourceProblem(
            self.file, self.line, column, f"{message}; value ignored", remedy, Effect.VALUE
        )
        self.problems.append(problem)


@dataclass(slots=True)
class CsvFile:
    """An opened CSV: its column names (folded) and an iterator over its data rows."""

    name: str
    columns: dict[str, int]
    problems: list[SourceProblem]
    today: date
    _reader: Iterator[list[str]]
    _line_num: Callable[[], int]
    key: str | None = None  # the column naming the child each row is about
    data_rows: int = 0  # non-blank data rows met so far
    broken: bool = False  # a FILE problem was found: no more rows are read
    may_be_empty: bool = False  # a header-only file is valid (the Missing table)
    header: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.header)

    def report(
        self, line: int, column: str, message: str, remedy: str, effect: Effect = Effect.NOTE
    ) -> None:
        """Record a problem against a line of this file."""
        self.problems.append(SourceProblem(self.name, line, column, message, remedy, effect))

    def fail(self, line: int, message: str, remedy: str, column: str = "") -> None:
        """The file cannot be used: report it, and read no further."""
        self.problems.append(file_problem(self.name, line, message, remedy, column))
        self.broken = True

    def require(self, columns: Sequence[str], what: str) -> bool:
        """True if the header has every column; otherwise the file cannot be used."""
        lacking = [c for c in columns if c not in self.columns]
        if lacking:
            message = f"{what} lacks a required column; file not used"
            self.fail(1, message, f"the header needs {', '.join(columns)}", ", ".join(lacking))
        return not lacking

    def rows(self) -> Iterator[Row]:
        """Non-blank data rows, each with its first physical line number."""
        last = self._line_num()
        while not self.broken and (raw := self._next(last + 1)) is not None:
            line, last = last + 1, self._line_num()
            cells = [c.strip() for c in raw]
            if not any(cells):
                continue
            self.data_rows += 1
            if self._truncated(line, last - line + 1, len(cells)):
                return
            row = self._row(line, cells)
            if not self._row_is_bad(row):
                yield row
        if not self.broken and self.data_rows == 0 and not self.may_be_empty:
            self.fail(1, "file has a header row but no data rows", EXPORT_AGAIN)

    def _next(self, line: int) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as e:
            self.fail(line, f"cannot read CSV from here on ({e})", "check the quotes on this line")
            return None

    def _truncated(self, line: int, lines: int, values: int) -> bool:
        if lines > 1:
            message = f"a quote opened on this line runs over {lines} lines (never closed?)"
            self.fail(line, message, "remove line breaks and stray quotes from values")
        elif values < self.width:
            message = f"row has {values} values but the header has {self.width} (file cut off?)"
            self.fail(line, message, EXPORT_AGAIN)
        return self.broken

    def _row(self, line: int, cells: list[str]) -> Row:
        row = Row(self.name, line, cells, self.columns, self.problems, self.today)
        if self.key is None:
            row.effect = Effect.NOTE
        else:
            child = row.get(self.key)
            fits = child is not None and len(child) <= MAX_ID and _bad_value(child) is None
            row.child = child if fits and len(cells) <= self.width else None
        return row

    def _row_is_bad(self, row: Row) -> bool:
        width = self.width
        if len(row.cells) > width:
            message = f"row has {len(row.cells)} values but the header has {width}; row skipped"
            row.report("", message, "quote values that contain commas")
            return True
        for name, i in self.columns.items():
            if i < len(row.cells) and (why := _cell_problem(row.cells[i], name == self.key)):
                row.report(name, f"{name} {why}; row skipped", f"correct {name}")
                return True
        return False


def _cell_problem(cell: str, is_key: bool) -> str | None:
    longest = MAX_ID if is_key else MAX_VALUE
    if len(cell) > longest:
        return f"is {len(cell)} characters long (at most {longest})"
    return _bad_value(cell)


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
            csv_file.problems.append(
                SourceProblem(
                    csv_file.name, line, column, message, "give each child one row", child=ident
                )
            )
            continue
        seen.add(ident)
        kept.append(row)
    return kept


def open_csv(
    path: Path,
    problems: list[SourceProblem],
    fold: Callable[[str], str],
    *,
    today: date | None = None,
    key: str | None = None,
) -> CsvFile | None:
    """Read a CSV's header (names passed through `fold`); None, with a problem, if unusable.
    `key` names the column that says which child a row is about; `today` bounds dates."""
    name = str(path)
    text = decode_text(path, name, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(reader, name, problems)
    if header is None:
        return None
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        columns.setdefault(fold(raw.strip().lstrip("\ufeff").strip()), i)
    return CsvFile(
        name,
        columns,
        problems,
        today or date.today(),
        reader,
        lambda: reader.line_num,
        key=fold(key) if key else None,
        header=header,
    )


def _header(
    reader: Iterator[list[str]], name: str, problems: list[SourceProblem]
) -> list[str] | None:
    try:
        header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
    except csv.Error as e:
        problems.append(file_problem(name, 1, f"cannot read the header ({e})", SAVE_AS_CSV))
        return None
    if header is None:
        problems.append(file_problem(name, 1, "file is empty", "export it with a header row"))
        return None
    if len(header) == 1 and (sep := next((s for s in _OTHER_DELIMITERS if s in header[0]), "")):
        message = f"columns are separated by {_OTHER_DELIMITERS[sep]}, not commas"
        problems.append(file_problem(name, 1, message, SAVE_AS_CSV))
        return None
    if any(_bad_value(c.lstrip("\ufeff")) for c in header):
        message = "header has NUL, control characters or bytes that are not text"
        problems.append(file_problem(name, 1, message, SAVE_AS_CSV))
        return None
    return header


SAVE_AS_CSV = "save the file as CSV UTF-8 (comma delimited)"
