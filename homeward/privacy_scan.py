"""Looks for source identifiers in what left a council (payloads) or reached the hub (database).

Names are matched as whole words, case-insensitively, after the same Unicode-to-ASCII folding
the connector uses; NHS numbers, UPNs and postcodes with or without spaces; dates of birth in
every spelling a council uses. A name is a run of letters standing on its own: opaque values
(tokens, sealed ids, case references such as HW-0ADA12...) are runs of letters and digits, and
a name spelt only with the letters a-f (Ada, Bea) turns up inside them by chance, so a run that
holds a digit is not read as a name. Base64url values (a public key, a signature) use ``-`` and
``_`` too, so any name can stand between them by chance (``..._COX-...``): a run of 16 or more
base64url characters holding a digit or ``_`` is opaque and not searched for names.

Event dates (episode start and end, placement start) are not identifiers and may coincide with
a baby's date of birth, so fields that hold them by schema are not searched for dates of birth.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Date, DateTime, inspect, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from connectors.normalise import name_tokens
from connectors.sources.problems import parse_date
from policies.codes import code_list

EVENT_DATE_FIELDS = (
    "start",
    "end",
    "placed_since",
    "started_at",
    "ended_at",
    "created_at",
    "acknowledged_at",
    "retain_until",
    "at",
)
_EVENT_DATE_JSON = re.compile(rf'"(?:{"|".join(EVENT_DATE_FIELDS)})":\s*"[^"]*"')
_MEANING_JSON = re.compile(r'"[a-z_]+_meaning":\s*"([^"]*)"')
_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+(?![A-Za-z0-9])")  # letters, not beside digits
_BASE64URL = re.compile(r"[A-Za-z0-9_-]{16,}")
_APOSTROPHES = str.maketrans("", "", "'’`´")  # noqa: RUF001 - the apostrophes names carry


@dataclass
class Identifiers:
    names: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)  # NHS numbers, UPNs, postcodes: no spaces
    dates_of_birth: set[date] = field(default_factory=set)

    def add_person(self, row: Mapping[str, str]) -> None:
        for column in ("forename", "known_as", "surname", "former_surname"):
            self.names.update(t for t in name_tokens(row.get(column) or "") if len(t) > 1)
        for column in ("nhs_number", "upn", "postcode"):
            value = "".join((row.get(column) or "").upper().split())
            if len(value) >= 5 and not value.startswith("UN"):
                self.numbers.add(value)
        if row.get("dob"):
            self.dates_of_birth.add(parse_date(row["dob"]))

    def count(self) -> int:
        return len(self.names) + len(self.numbers) + len(self.dates_of_birth)


def _whole(alternatives: Iterable[str]) -> re.Pattern[str]:
    """Any alternative, standing alone (not inside a longer run of letters and digits)."""
    body = "|".join(alternatives) or "(?!)"
    return re.compile(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", re.IGNORECASE)


def _dob_spellings(day: date) -> set[str]:
    return {
        day.strftime("%d/%m/%Y"),
        day.isoformat(),
        day.strftime("%Y%m%d"),
        f"{day.day}/{day.month}/{day.year}",
    }


@dataclass
class Scanner:
    identifiers: Identifiers
    _dobs: re.Pattern[str] = field(init=False)
    _numbers: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        spellings = {s for d in self.identifiers.dates_of_birth for s in _dob_spellings(d)}
        self._dobs = _whole(sorted(map(re.escape, spellings)))
        spaced = (r"[\s-]?".join(map(re.escape, n)) for n in sorted(self.identifiers.numbers))
        self._numbers = _whole(spaced)

    def leaks(self, text: str, *, with_dates: bool = True) -> list[str]:
        """Every identifier found in ``text`` (empty when clean)."""
        words = _without_base64url(_ascii(_without_published_meanings(text)))
        found = [
            f"name {w}"
            for w in {w.upper() for w in _WORD.findall(words)}
            if w in self.identifiers.names
        ]
        found += [f"identifier {m}" for m in self._numbers.findall(text)]
        if with_dates:
            scrubbed = _EVENT_DATE_JSON.sub("", text)
            found += [f"date of birth {m}" for m in self._dobs.findall(scrubbed)]
        return found

    def scan_database(self, engine: Engine) -> tuple[int, list[str]]:
        """(values checked, leaks) over every column of every table."""
        checked, found = 0, []
        present = set(inspect(engine).get_table_names())
        for table in (t for name, t in SQLModel.metadata.tables.items() if name in present):
            event_columns = {c.name for c in table.columns if isinstance(c.type, Date | DateTime)}
            with engine.connect() as conn:
                for row in conn.execute(select(table)):
                    for column, value in row._mapping.items():
                        if value is None:
                            continue
                        checked += 1
                        text = value.hex() if isinstance(value, bytes) else str(value)
                        leaks = self.leaks(text, with_dates=column not in event_columns)
                        found += [f"{table.name}.{column}: {leak}" for leak in leaks]
        return checked, found


def _without_published_meanings(text: str) -> str:
    """A 903 code's meaning ("foster placement with ...") is published reference text, not a
    child's: it is left out of the name search, but only where it is exactly a listed meaning."""
    published = {m for meanings in code_list().values() for m in meanings.values()}
    return _MEANING_JSON.sub(lambda m: '""' if m.group(1) in published else m.group(0), text)


def _without_base64url(text: str) -> str:
    """Opaque base64url runs blanked: a long run holding a digit or ``_`` is not prose."""
    return _BASE64URL.sub(lambda m: " " if re.search(r"[0-9_]", m.group(0)) else m.group(0), text)


def _ascii(text: str) -> str:
    """The connector's name folding (apostrophes dropped, Unicode to ASCII), on any text."""
    folded = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return folded.encode("ascii", "ignore").decode("ascii")


def identifiers_from(rows: Iterable[Mapping[str, str]]) -> Identifiers:
    collected = Identifiers()
    for row in rows:
        collected.add_person(row)
    return collected
