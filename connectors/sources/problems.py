"""Source problems: what is wrong in an input file, where, what it costs, and the remedy.

A problem names the file, the physical line (header = line 1, 0 = the file as a whole), the
column and what the operator should do. Its ``effect`` says what the connector did about it:

    FILE   the file cannot be used: the sync stops and nothing is sent
    ROW    the row was rejected: its ``child`` keeps what was last sent (an unknown child, e.g. a
           blank or garbled id, holds back every removal this run)
    VALUE  a value was dropped: the row was used without it
    NOTE   reported only (e.g. a postcode the lookup does not know)

Messages never echo personal values (names, dates, ids, postcodes); the line number is enough
to find them. Whatever is shown is escaped, so a control character never reaches a terminal raw.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

SAVE_AS_UTF8 = "save the file as CSV UTF-8 (in Excel: Save As > CSV UTF-8)"
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SHOWN_MAX = 24  # characters of a value echoed in a message


class Effect(StrEnum):
    FILE = "file"
    ROW = "row"
    VALUE = "value"
    NOTE = "note"


def escaped(text: str) -> str:
    """``text`` with every non-printable character written as an escape (``\\x00``, ``\\u202e``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def shown(value: str) -> str:
    """A short, escaped rendering of a code value for a message."""
    text = escaped(value)
    return text if len(text) <= _SHOWN_MAX else f"{text[:_SHOWN_MAX]}..."


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """One thing wrong in a source file, its remedy, and what the connector did about it."""

    file: str
    line: int
    column: str
    message: str
    remedy: str
    effect: Effect = Effect.ROW
    child: str | None = None  # the child a rejected row was about, if known (never printed)

    def __str__(self) -> str:
        where = f"column {escaped(self.column)}: " if self.column else ""
        text = f"{self.file}:{self.line}: {where}{self.message} ({self.remedy})"
        return escaped(text)

    @property
    def stops_sync(self) -> bool:
        return self.effect is Effect.FILE


def file_problem(
    file: str, line: int, message: str, remedy: str, column: str = ""
) -> SourceProblem:
    """A problem that makes the whole file unusable."""
    return SourceProblem(file, line, column, message, remedy, Effect.FILE)


class RowSkipped(Exception):
    """Raised by a row parser: the row is unusable and is reported and skipped."""

    def __init__(self, column: str, message: str, remedy: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message
        self.remedy = remedy


@lru_cache(maxsize=16384)
def parse_date(text: str) -> date:
    """`dd/mm/YYYY` (day and month may have one digit) or `YYYY-MM-DD`; ValueError otherwise."""
    if m := _DAY_FIRST.fullmatch(text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if m := _ISO.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(text)
