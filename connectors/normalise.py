"""Identifier normalisation (match-key specification v1, docs/matchkeys.md).

Every council must normalise identically, or tokens silently stop matching; the vectors in
tests/vectors/matchkeys_v1.json pin this behaviour. Functions take raw text as councils record it
and return the normalised form, or None (or an empty tuple) when the value is absent, invalid or
a placeholder: an unusable identifier is left out, never guessed.
"""

import re
import unicodedata
from datetime import date
from functools import lru_cache
from operator import mul
from typing import NamedTuple

from connectors.forenames import CANONICAL

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"})
MAX_FORENAMES = 4
MAX_SURNAMES = 4
PLACEHOLDER_NAMES = frozenset(
    {
        "BABY",
        "BOY",
        "GIRL",
        "INFANT",
        "TWIN",
        "UNKNOWN",
        "UNK",
        "NK",
        "NOTKNOWN",
        "NOTGIVEN",
        "NOTSTATED",
        "TBC",
        "TBA",
        "NONE",
        "NULL",
        "NIL",
        "ANON",
        "ANONYMOUS",
        "XX",
        "XXX",
        "ZZ",
        "ZZZ",
        "UNBORN",
        "UNNAMED",
    }
)
PLACEHOLDER_PREFIXES = frozenset({"BABY", "TWIN", "UNBORN", "UNNAMED", "UNKNOWN"})
SURNAME_PARTICLES = frozenset(
    {
        "AL",
        "EL",
        "ABU",
        "BIN",
        "BINT",
        "BINTI",
        "BEN",
        "DA",
        "DAS",
        "DE",
        "DEL",
        "DELLA",
        "DEN",
        "DER",
        "DI",
        "DOS",
        "DU",
        "LA",
        "LE",
        "MAC",
        "MC",
        "ST",
        "TER",
        "VAN",
        "VON",
    }
)
_POSTCODE_SHAPE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}")
_NOT_LETTER = re.compile(r"[^A-Z]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`\u00b4\u02bc")  # apostrophe, quotes, accents
_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "Æ": "AE",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "TH",
        "þ": "th",
        "Ð": "D",
        "ð": "d",
        "Ħ": "H",
        "ħ": "h",
        "\u0131": "i",
    }
)


class Postcode(NamedTuple):
    unit: str  # "B11AA"
    sector: str  # "B11"
    district: str  # "B1"


@lru_cache(maxsize=131072)
def name_tokens(raw: str) -> tuple[str, ...]:
    """Unicode to ASCII, upper case, apostrophes dropped, split on anything that is not a letter.

    ``"Zoë O'Connor-Smith"`` -> ``("ZOE", "OCONNOR", "SMITH")``. A name that is only a
    placeholder ("Baby", "Not known", "TBC") has no tokens.
    """
    if raw.isascii():
        ascii_text = raw.upper()
        if ascii_text.isalpha():  # one plain word: most names
            return () if _is_placeholder(ascii_text, ascii_text) else (ascii_text,)
    else:
        decomposed = unicodedata.normalize("NFKD", raw.translate(_SPECIAL_LETTERS))
        ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").upper()
    tokens = tuple(t for t in _NOT_LETTER.split(ascii_text.translate(_APOSTROPHES)) if t)
    return () if tokens and _is_placeholder("".join(tokens), tokens[0]) else tokens


def _is_placeholder(joined: str, first: str) -> bool:
    return joined in PLACEHOLDER_NAMES or first in PLACEHOLDER_PREFIXES


def _given(raw: str | None) -> tuple[str, ...]:
    """First and second given names (initials skipped): children often go by a middle name."""
    tokens = [t for t in name_tokens(raw) if len(t) > 1] if raw else []
    return tuple(tokens[:2])


@lru_cache(maxsize=131072)
def forename_forms(
    forename: str | None, known_as: str | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every forename variant in priority order (at most ``MAX_FORENAMES``), and those of them
    that make linking keys: all but a variant that only the middle name yields.

    Variants: first legal forename, second legal forename, first and second known-as names,
    then the canonical form of each one's forename group (docs/matchkeys.md, "Forename
    groups"). A variant is a middle name's only when neither the first legal forename, the
    known-as names nor their groups yield it too: the second is the same tuple when none is.
    """
    legal, known = _given(forename), _given(known_as)
    variants: list[str] = []
    for name in (*legal, *known):
        if name not in variants:
            variants.append(name)
    for name in tuple(variants):
        variants.extend(c for c in CANONICAL.get(name, ()) if c not in variants)
    found = tuple(variants[:MAX_FORENAMES])
    if len(legal) < 2:
        return found, found
    first_or_known = {*legal[:1], *known}
    first_or_known.update(*(CANONICAL.get(name, ()) for name in tuple(first_or_known)))
    linking = tuple(name for name in found if name in first_or_known)
    return found, (found if len(linking) == len(found) else linking)


def forename_variants(forename: str | None, known_as: str | None = None) -> tuple[str, ...]:
    """Every forename variant in priority order (``forename_forms``)."""
    return forename_forms(forename, known_as)[0]


def _surname_forms(raw: str | None) -> list[str]:
    tokens = name_tokens(raw) if raw else ()
    if len(tokens) < 2:
        return [t for t in tokens if len(t) > 1]
    parts = [t for t in tokens if len(t) > 1 and t not in SURNAME_PARTICLES]
    return ["".join(tokens), *parts]


@lru_cache(maxsize=131072)
def surname_variants(surname: str | None, former: str | None = None) -> tuple[str, ...]:
    """Surname forms in priority order, at most ``MAX_SURNAMES``.

    The whole surname joined ("Smith-Jones" -> SMITHJONES, "O'Brien" -> OBRIEN), then each part
    of a multi-part surname except particles (SMITH, JONES; not VAN, AL), then the same for the
    former or known-as surname.
    """
    variants: list[str] = []
    for name in (*_surname_forms(surname), *_surname_forms(former)):
        if name not in variants:
            variants.append(name)
    return tuple(variants[:MAX_SURNAMES])


_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nhs_number(raw: str | None) -> str | None:
    """Ten digits with a valid modulus-11 check digit (spaces and hyphens allowed), else None.

    Numbers of one repeated digit pass the check but are placeholders, so they are rejected.
    """
    if not raw:
        return None
    digits = raw.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()) or digits == digits[0] * 10:
        return None
    codes = digits.encode()  # ASCII codes: the weighted sum of digits is offset by 48 * 54
    check = 11 - (sum(map(mul, codes, _NHS_WEIGHTS)) - 48 * 54) % 11
    return digits if (0 if check == 11 else check) == codes[9] - 48 else None


_UPN_VALUES = bytes.maketrans(
    b"0123456789" + UPN_CHECK_LETTERS.encode(),
    bytes(range(10)) + bytes(range(len(UPN_CHECK_LETTERS))),
)


def upn_check_letter(upn_tail: str) -> str:
    """Check letter for characters 2..13 of a UPN (DfE: weights 2..13, modulus 23; digits
    count as their value, letters as their position in ``UPN_CHECK_LETTERS``)."""
    values = upn_tail.encode().translate(_UPN_VALUES)
    return UPN_CHECK_LETTERS[sum(map(mul, values, range(2, 14))) % 23]


def upn(raw: str | None) -> str | None:
    """A well-formed UPN with a valid check letter; UN1-UN7 and anything else are absent."""
    if not raw:
        return None
    value = raw.replace(" ", "").upper()
    if len(value) != 13 or not value.isascii() or not value[1:12].isdigit():
        return None
    last = value[12]
    if not (last.isdigit() or last in UPN_CHECK_LETTERS):
        return None
    return value if upn_check_letter(value[1:]) == value[0] else None


def opaque_id(raw: str | None) -> str | None:
    """An identifier of another scheme (no check digit): upper-case letters and digits only,
    at least 5 of them. Not used by connectors; ``homeward linkage evaluate --opaque-ids``."""
    value = _NOT_ALNUM.sub("", (raw or "").upper())
    return value if len(value) >= 5 else None


def postcode(raw: str | None) -> Postcode | None:
    """UK postcode: upper case, no spaces, valid shape; with its sector and district."""
    return _postcode(raw) if raw else None


@lru_cache(maxsize=131072)
def _postcode(raw: str) -> Postcode | None:
    unit = "".join(raw.upper().split())
    if _POSTCODE_SHAPE.fullmatch(unit) is None:
        return None
    return _new_postcode(Postcode, (unit, unit[:-2], unit[:-3]))  # the inward code is 9AA


_new_postcode = tuple.__new__  # a third of the cost of Postcode(...), once per child


SEX_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "MALE": "M", "FEMALE": "F"}


def sex(raw: str | None) -> str | None:
    """M or F (old 903 codes 1/2 accepted); U, 0, 9 and anything else are absent."""
    return SEX_CODES.get((raw or "").strip().upper())


EARLIEST_DOB = date(1900, 1, 2)  # 1900-01-01 is a common "not known" placeholder


@lru_cache(maxsize=65536)
def dob(value: date | str | None) -> str | None:
    """YYYYMMDD of a real Gregorian date on or after 1900-01-02; ISO text or a date accepted.

    A day of 15 may be the DfE convention for an unknown day; it is kept as recorded (the
    year-of-birth keys tolerate it, see docs/matchkeys.md).
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _iso_dob(value.strip())
    return value.strftime("%Y%m%d") if value >= EARLIEST_DOB else None


def _iso_dob(text: str) -> str | None:
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return None
    return parsed.strftime("%Y%m%d") if parsed >= EARLIEST_DOB else None


_SOUNDEX_CODES = str.maketrans("AEIOUYHWBFPVCGJKQSXZDTLMNR", "000000..111122222222334556")


@lru_cache(maxsize=131072)
def soundex(name: str) -> str:
    """American Soundex of an already-normalised (A-Z) name: H and W do not separate codes."""
    if not name:
        return ""
    coded = name.translate(_SOUNDEX_CODES)
    out, last = [name[0]], coded[0]
    for ch in coded[1:]:
        if ch == ".":
            continue
        if ch != last and ch != "0":
            out.append(ch)
        last = ch
    return ("".join(out) + "000")[:4]


def clear_caches() -> None:
    """Empty every name and date cache (benchmarks measuring a cold first pass use this)."""
    for cached in (name_tokens, forename_forms, surname_variants, soundex, dob, _postcode):
        cached.cache_clear()
