"""Match keys (specification v1, docs/matchkeys.md): normalised identity -> HMAC tokens.

Key types in priority order (``KEY_TYPES``). Every key holds an identifier (NHS number, UPN) or
a given name together with a date of birth or year of birth; no key is a surname, postcode or
date alone, so twins and siblings never share a key unless they share a given name. A key type
may yield several tokens (name variants); the hub links on any token of a type.

Each normalised key string is ASCII, fields joined by ``|``, and becomes
``hex(HMAC-SHA256(subkey(type), utf8(string)))`` under the newest shared epoch
(``keys.MatchKeyDeriver``).
"""

from datetime import date
from typing import NamedTuple

from connectors import normalise
from keys import MatchKeyDeriver, Token

NHS = "nhs"
UPN = "upn"
NAME_DOB = "name_dob"  # forename | surname | YYYYMMDD
NAME_DAY_MONTH = "name_dm"  # forename | surname | day and month in either order (no year)
PHONETIC_DOB_SEX = "phon_dob_sex"  # both names' Soundex in sorted order | YYYYMMDD | sex
FORENAME_DOB_DISTRICT = "fore_dob_district"  # forename | YYYYMMDD | postcode district
NAME_YOB_DISTRICT = "name_yob_district"  # forename | surname | YYYY | postcode district

KEY_TYPES = (
    NHS,
    UPN,
    NAME_DOB,
    NAME_DAY_MONTH,
    PHONETIC_DOB_SEX,
    FORENAME_DOB_DISTRICT,
    NAME_YOB_DISTRICT,
)
ID_KEY_TYPES = frozenset({NHS, UPN})


class Identity(NamedTuple):
    """Normalised identifiers of one child. Never leaves the connector."""

    forenames: tuple[str, ...]
    surnames: tuple[str, ...]
    dob: str | None
    sex: str | None
    nhs_number: str | None
    upn: str | None
    postcode: normalise.Postcode | None


def normalise_identity(
    *,
    forename: str | None,
    surname: str | None,
    dob: date | str | None,
    sex: str | None = None,
    nhs_number: str | None = None,
    upn: str | None = None,
    postcode: str | None = None,
    known_as: str | None = None,
    former_surname: str | None = None,
) -> Identity:
    """Every identifier normalised (``connectors.normalise``); empty strings count as absent."""
    return _new_identity(
        Identity,
        (  # tuple.__new__: a third of the cost of Identity(...)
            _forenames(forename or None, known_as or None),
            _surnames(surname or None, former_surname or None),
            _dob(dob),
            _SEX.get(sex.strip().upper()) if sex else None,
            _nhs(nhs_number),
            _upn(upn),
            _postcode(postcode) if postcode else None,
        ),
    )


_forenames, _surnames, _dob = (
    normalise.forename_variants,
    normalise.surname_variants,
    normalise.dob,
)
_new_identity = tuple.__new__
_nhs, _upn, _postcode, _SEX = (
    normalise.nhs_number,
    normalise.upn,
    normalise.postcode,
    normalise.SEX_CODES,
)


def key_values(identity: Identity) -> list[tuple[str, str]]:
    """(key type, normalised key string) pairs, in priority order (docs/matchkeys.md).

    Name variants fan out over every forename and surname for ``name_dob`` and
    ``phon_dob_sex``, over every forename (with the first surname) for the two location keys,
    and not at all for ``name_dm``. A date of birth of 1 January is taken as estimated (the
    usual convention for asylum-seeking children of unknown birthday): only the year is used.
    """
    forenames, surnames, born, sex, nhs, upn, postcode = identity
    out: list[tuple[str, str]] = []
    if nhs:
        out.append((NHS, nhs))
    if upn:
        out.append((UPN, upn))
    if not born or not forenames:
        return out
    district = postcode.district if postcode else None
    year, month, day = born[:4], born[4:6], born[6:]
    estimated = month == day == "01"
    single = len(forenames) == 1
    if surnames:
        surname = surnames[0]
        if not estimated:
            first = f"{forenames[0]}|{surname}"
            if single and len(surnames) == 1:
                out.append((NAME_DOB, f"{first}|{born}"))
            else:
                out += [(NAME_DOB, f"{fn}|{sn}|{born}") for fn in forenames for sn in surnames]
            day_month = day + month if day <= month else month + day
            out.append((NAME_DAY_MONTH, f"{first}|{day_month}"))
            if sex:
                for pair in _phonetic_pairs(forenames, surnames):
                    out.append((PHONETIC_DOB_SEX, f"{pair}|{born}|{sex}"))
    if district and not estimated:
        for fn in forenames:
            out.append((FORENAME_DOB_DISTRICT, f"{fn}|{born}|{district}"))
    if district and surnames:
        for fn in forenames:
            out.append((NAME_YOB_DISTRICT, f"{fn}|{surname}|{year}|{district}"))
    return out


def _phonetic_pairs(forenames: tuple[str, ...], surnames: tuple[str, ...]) -> list[str]:
    """Distinct Soundex pairs, each in sorted order so that a forename and surname recorded the
    other way round agree."""
    soundex = normalise.soundex
    if len(forenames) == len(surnames) == 1:
        a, b = soundex(forenames[0]), soundex(surnames[0])
        return [f"{a}|{b}" if a <= b else f"{b}|{a}"]
    found: list[str] = []
    for fn in forenames:
        a = soundex(fn)
        for sn in surnames:
            b = soundex(sn)
            pair = f"{a}|{b}" if a <= b else f"{b}|{a}"
            if pair not in found:
                found.append(pair)
    return found


class Tokeniser:
    """Normalised identity -> (key type, token) pairs under one epoch: the connector's fast path.

    ``[(t, deriver.token_value(t, v)) for t, v in key_values(identity)]`` without ``Token``
    objects, with each key type's HMAC bound once.
    """

    def __init__(self, deriver: MatchKeyDeriver) -> None:
        self.epoch = deriver.epoch
        self._functions = {t: deriver.token_function(t) for t in KEY_TYPES}

    def __call__(self, identity: Identity) -> list[tuple[str, str]]:
        functions = self._functions
        out: list[tuple[str, str]] = []
        append = out.append
        for key_type, value in key_values(identity):
            append((key_type, functions[key_type](value)))
        return out


def match_keys(identity: Identity, deriver: MatchKeyDeriver) -> list[Token]:
    epoch = deriver.epoch
    return [Token(t, epoch, v) for t, v in deriver.token_values(key_values(identity))]
