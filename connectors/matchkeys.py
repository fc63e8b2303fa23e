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
from connectors.namebands import COMMON_FORENAMES, COMMON_SURNAMES
from keys import MatchKeyDeriver, Token

NHS = "nhs"
UPN = "upn"
NAME_DOB = "name_dob"  # forename | surname | YYYYMMDD, the name pair not common
NAME_DOB_COMMON = "name_dob_common"  # the same, both names common (connectors.namebands)
PHONETIC_DOB_SEX = "phon_dob_sex"  # both names' Soundex in sorted order | YYYYMMDD | sex
FORENAME_DOB_DISTRICT = "fore_dob_district"  # forename | YYYYMMDD | postcode district
NAME_YOB_DISTRICT = "name_yob_district"  # forename | surname | YYYY | postcode district
NAME_YOB_DISTRICT_COMMON = "name_yob_district_common"  # the same, both names common
SURNAME_DOB_SEX = "surname_dob_sex"  # surname | YYYYMMDD | sex: review only
NAME_PARTIAL_DOB = "name_partial_dob"  # forename | surname | --MMDD (or YYYY): review only

KEY_TYPES = (
    NHS,
    UPN,
    NAME_DOB,
    NAME_DOB_COMMON,
    PHONETIC_DOB_SEX,
    FORENAME_DOB_DISTRICT,
    NAME_YOB_DISTRICT,
    NAME_YOB_DISTRICT_COMMON,
    SURNAME_DOB_SEX,
    NAME_PARTIAL_DOB,
)
ID_KEY_TYPES = frozenset({NHS, UPN})
REVIEW_ONLY_KEY_TYPES = frozenset({SURNAME_DOB_SEX, NAME_PARTIAL_DOB})  # never link alone


class Identity(NamedTuple):
    """Normalised identifiers of one child. Never leaves the connector."""

    forenames: tuple[str, ...]  # every variant (docs/matchkeys.md §2.2)
    surnames: tuple[str, ...]
    dob: str | None
    sex: str | None
    nhs_number: str | None
    upn: str | None
    postcode: normalise.Postcode | None
    linking_forenames: tuple[str, ...]  # the variants that are not only a middle name's


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
    forenames, linking = _forenames(forename or None, known_as or None)
    return _new_identity(
        Identity,
        (  # tuple.__new__: a third of the cost of Identity(...)
            forenames,
            _surnames(surname or None, former_surname or None),
            _dob(dob),
            _SEX.get(sex.strip().upper()) if sex else None,
            _nhs(nhs_number),
            _upn(upn),
            _postcode(postcode) if postcode else None,
            linking,
        ),
    )


_forenames, _surnames, _dob = (
    normalise.forename_forms,
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
    ``phon_dob_sex``, and over every forename (with the first surname) for the two location
    keys; ``name_dob`` and the location keys skip a forename that is only a middle name
    (``Identity.linking_forenames``), so that a sibling named after it is not linked. A date
    of birth of 1 January is taken as estimated (the usual convention for asylum-seeking
    children of unknown birthday): only the year is used.

    The two review-only keys come last: ``surname_dob_sex`` over every surname (a forename
    typo or a forename left blank), and ``name_partial_dob`` over every forename and surname
    with the month and day (a year typo), or with the year for an estimated 1 January (no
    postcode district needed).
    """
    forenames, surnames, born, sex, nhs, upn, postcode, linking = identity
    out: list[tuple[str, str]] = []
    if nhs:
        out.append((NHS, nhs))
    if upn:
        out.append((UPN, upn))
    if not born:
        return out
    estimated = born[4:] == "0101"
    if not forenames:
        if sex and not estimated:
            out += [(SURNAME_DOB_SEX, f"{sn}|{born}|{sex}") for sn in surnames]
        return out
    names = _name_pairs(forenames, surnames)
    linked = names if linking is forenames else _name_pairs(linking, surnames)
    district = postcode[2] if postcode else None
    if not estimated:
        for common, name in linked:
            out.append((NAME_DOB_COMMON if common else NAME_DOB, name + born))
        if sex:
            tail = f"{born}|{sex}"
            for pair in _phonetic_pairs(forenames, surnames):
                out.append((PHONETIC_DOB_SEX, pair + tail))
        if district:
            tail = f"|{born}|{district}"
            for fn in linking:
                out.append((FORENAME_DOB_DISTRICT, fn + tail))
    if district and surnames:
        tail = f"{born[:4]}|{district}"
        for common, name in linked[:: len(surnames)]:  # each forename with the first surname
            out.append((NAME_YOB_DISTRICT_COMMON if common else NAME_YOB_DISTRICT, name + tail))
    if estimated:
        year = born[:4]
        out += [(NAME_PARTIAL_DOB, name + year) for _, name in names]
        return out
    if sex:
        tail = f"|{born}|{sex}"
        for sn in surnames:
            out.append((SURNAME_DOB_SEX, sn + tail))
    tail = "--" + born[4:]
    for _, name in names:
        out.append((NAME_PARTIAL_DOB, name + tail))
    return out


def _name_pairs(forenames: tuple[str, ...], surnames: tuple[str, ...]) -> list[tuple[bool, str]]:
    """``F|S|`` of every forename with every surname (forename by forename), and whether both
    names are common (connectors.namebands): then the name keys take their ``_common`` twin."""
    pairs: list[tuple[bool, str]] = []
    for fn in forenames:
        common = fn in COMMON_FORENAMES
        for sn in surnames:
            pairs.append((common and sn in COMMON_SURNAMES, f"{fn}|{sn}|"))
    return pairs


def _phonetic_pairs(forenames: tuple[str, ...], surnames: tuple[str, ...]) -> list[str]:
    """Distinct Soundex pairs ``A|B|``, each in sorted order so that a forename and surname
    recorded the other way round agree."""
    codes = tuple(map(normalise.soundex, surnames))
    found: list[str] = []
    for a in map(normalise.soundex, forenames):
        for b in codes:
            pair = f"{a}|{b}|" if a <= b else f"{b}|{a}|"
            if pair not in found:
                found.append(pair)
    return found


def clear_caches() -> None:
    """Empty the name caches of ``normalise`` (cold-cache benchmarks)."""
    normalise.clear_caches()


class Tokeniser:
    """Normalised identity -> (key type, token) pairs under one epoch: the connector's fast path.

    ``[(t, deriver.token_value(t, v)) for t, v in key_values(identity)]`` without ``Token``
    objects, with each key type's HMAC prepared once and all of a record's hashed in one loop.
    """

    def __init__(self, deriver: MatchKeyDeriver) -> None:
        self.epoch = deriver.epoch
        self._tokens = deriver.tokens_function(KEY_TYPES)

    def __call__(self, identity: Identity) -> list[tuple[str, str]]:
        return self._tokens(key_values(identity))


def match_keys(identity: Identity, deriver: MatchKeyDeriver) -> list[Token]:
    epoch = deriver.epoch
    return [Token(t, epoch, v) for t, v in deriver.token_values(key_values(identity))]
