"""Council-supplied postcode -> authority lookup (CSV `postcode,authority`).

Entries may be a full postcode (`B1 1AA`), a sector (`B1 1`) or a district (`B1`); the longest
match wins. Authorities are ONS upper-tier codes such as `E08000025`.
"""

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from connectors.sources.csvfile import Row, collect, open_csv
from connectors.sources.problems import RowSkipped, SourceProblem, file_problem

_ONS_CODE = re.compile(r"[EWSN]\d{8}")
_OUTWARD = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?")
_INWARD = re.compile(r"\d(?:[A-Z]{2})?")
_DISTRICT_MAX = 4  # an outward code has 2-4 characters; a full postcode at least 5


def area_key(postcode: str) -> str | None:
    """`B1 1AA`, `B1 1` or `B1` (upper case, one space); None if it is none of those."""
    text = " ".join(postcode.upper().split())
    if " " not in text:
        cut = len(text) if len(text) <= _DISTRICT_MAX else len(text) - 3
        text = f"{text[:cut]} {text[cut:]}".strip()
    outward, _, inward = text.partition(" ")
    if not _OUTWARD.fullmatch(outward) or (inward and not _INWARD.fullmatch(inward)):
        return None
    return text


class PostcodeLookup:
    """Longest-match postcode -> authority map; `problems` lists the rows that were skipped."""

    def __init__(
        self, areas: Mapping[str, str], problems: Sequence[SourceProblem] = (), data_rows: int = 0
    ) -> None:
        self._areas: dict[str, str] = {}
        for postcode, authority in areas.items():
            key = area_key(postcode)
            if key is None:
                raise ValueError("not a postcode, sector or district")
            self._areas[key] = authority
        self.problems = list(problems)
        self.data_rows = data_rows  # non-blank data rows in the file

    def __len__(self) -> int:
        return len(self._areas)

    def authority_for(self, postcode: str) -> str | None:
        """The authority of the longest matching entry (postcode, sector, district), or None."""
        key = area_key(postcode)
        if key is None:
            return None
        outward, _, inward = key.partition(" ")
        for candidate in (key, f"{outward} {inward[:1]}", outward):
            if candidate in self._areas:
                return self._areas[candidate]
        return None


def read_postcode_lookup(path: Path) -> PostcodeLookup:
    """Read the lookup CSV (header names case-insensitive); bad rows are skipped and reported.
    A lookup that cannot be read, or has no usable entry, is a FILE problem: a configured lookup
    is never silently "no lookup"."""
    problems: list[SourceProblem] = []
    csv_file = open_csv(Path(path), problems, str.lower)
    if csv_file is None or not csv_file.require(("postcode", "authority"), "postcode lookup"):
        return PostcodeLookup({}, problems)
    areas: dict[str, str] = {}
    for line, key, authority in collect(csv_file, _entry):
        if areas.setdefault(key, authority) != authority:
            message = "postcode listed again with another authority; row skipped (first used)"
            csv_file.report(line, "postcode", message, "keep one row per postcode")
    if not areas and not csv_file.broken and csv_file.data_rows:
        message = "postcode lookup has no usable row"
        problems.append(file_problem(csv_file.name, 0, message, "see the problems above"))
    return PostcodeLookup(areas, problems, csv_file.data_rows)


def _entry(row: Row) -> tuple[int, str, str]:
    key = area_key(row.need("postcode"))
    if key is None:
        raise RowSkipped(
            "postcode",
            "postcode is not a postcode, sector or district; row skipped",
            "use e.g. B1 1AA, B1 1 or B1",
        )
    authority = row.need("authority").upper()
    if not _ONS_CODE.fullmatch(authority):
        raise RowSkipped(
            "authority",
            "authority is not an ONS code; row skipped",
            "use the 9-character ONS code, e.g. E08000025",
        )
    return row.line, key, authority
