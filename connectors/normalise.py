"""Identifier normalisation (match-key specification v1, docs/matchkeys.md).

Every council must normalise identically, or tokens silently stop matching; the vectors in
tests/vectors/matchkeys_v1.json pin this behaviour.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"})
_UPN_SHAPE = re.compile(r"[A-Z]\d{11}[0-9A-Z]")
_POSTCODE_SHAPE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})")
_NOT_LETTER = re.compile(r"[^A-Z]+")
_APOSTROPHES = str.maketrans("", "", "'’`´")
_SPECIAL_LETTERS = str.maketrans({"ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Ø": "O",
                                  "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE",
                                  "œ": "oe", "Þ": "TH", "þ": "th", "ı": "i"})


@dataclass(frozen=True, slots=True)
class Postcode:
    unit: str  # "B11AA"
    sector: str  # "B11"
    district: str  # "B1"


@lru_cache(maxsize=65536)
def name_tokens(raw: str) -> tuple[str, ...]:
    """Unicode to ASCII, upper case, apostrophes dropped, split on anything that is not a letter."""
    decomposed = unicodedata.normalize("NFKD", raw.translate(_SPECIAL_LETTERS))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").upper()
    return tuple(t for t in _NOT_LETTER.split(ascii_text.translate(_APOSTROPHES)) if t)


def forename_variants(forename: str | None, known_as: str | None = None) -> tuple[str, ...]:
    """First legal forename, then the first known-as forename if different."""
    variants: list[str] = []
    for raw in (forename, known_as):
        tokens = name_tokens(raw) if raw else ()
        if tokens and tokens[0] not in variants:
            variants.append(tokens[0])
    return tuple(variants)


def surname_variants(surname: str | None, former: str | None = None) -> tuple[str, ...]:
    """Whole surname joined ("SMITHJONES"), each part of a multi-part surname, former surname."""
    variants: list[str] = []
    for raw in (surname, former):
        tokens = name_tokens(raw) if raw else ()
        parts = tuple(t for t in tokens if len(t) > 1)
        candidates = ("".join(tokens), *parts) if len(tokens) > 1 else tokens
        variants.extend(c for c in candidates if c not in variants)
    return tuple(variants)


def nhs_number(raw: str | None) -> str | None:
    """Ten digits with a valid modulus-11 check digit, else None."""
    if not raw:
        return None
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) != 10 or len(raw.strip()) > 14:
        return None
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return digits if check != 10 and check == int(digits[9]) else None


def upn_check_letter(upn_tail: str) -> str:
    """Check letter for characters 2..13 of a UPN (DfE: weights 2..13, modulus 23)."""
    total = 0
    for weight, ch in enumerate(upn_tail, start=2):
        total += weight * (int(ch) if ch.isdigit() else UPN_CHECK_LETTERS.index(ch))
    return UPN_CHECK_LETTERS[total % 23]


def upn(raw: str | None) -> str | None:
    """A well-formed UPN with a valid check letter; UN1-UN7 and anything else are absent."""
    if not raw:
        return None
    value = raw.strip().upper().replace(" ", "")
    if value in UPN_UNKNOWN or not _UPN_SHAPE.fullmatch(value):
        return None
    if value[12].isalpha() and value[12] not in UPN_CHECK_LETTERS:
        return None
    return value if upn_check_letter(value[1:]) == value[0] else None


def postcode(raw: str | None) -> Postcode | None:
    if not raw:
        return None
    unit = "".join(raw.upper().split())
    match = _POSTCODE_SHAPE.fullmatch(unit)
    if match is None:
        return None
    district, inward = match.groups()
    return Postcode(unit=unit, sector=district + inward[0], district=district)


def sex(raw: str | None) -> str | None:
    value = (raw or "").strip().upper()
    return {"1": "M", "2": "F", "M": "M", "F": "F", "MALE": "M", "FEMALE": "F"}.get(value)


def dob(value: date | None) -> str | None:
    return value.strftime("%Y%m%d") if value else None


_SOUNDEX_CODES = str.maketrans("AEIOUYHWBFPVCGJKQSXZDTLMNR", "000000..111122222222334556")


def soundex(name: str) -> str:
    """American Soundex of an already-normalised (A-Z) name."""
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
