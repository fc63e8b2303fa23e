"""Match keys (specification v1, docs/matchkeys.md): normalised identity -> HMAC tokens.

Keys in priority order. Each key type may yield several tokens (name variants); the hub links
on any token of a type, so variants widen recall without weakening the key.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from connectors import normalise
from keys import MatchKeyDeriver, Token

KEY_TYPES = ("nhs", "upn", "name_dob_sex", "name_dob_loose")


@dataclass(frozen=True, slots=True)
class Identity:
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
    dob: date | None,
    sex: str | None = None,
    nhs_number: str | None = None,
    upn: str | None = None,
    postcode: str | None = None,
    known_as: str | None = None,
    former_surname: str | None = None,
) -> Identity:
    return Identity(
        forenames=normalise.forename_variants(forename, known_as),
        surnames=normalise.surname_variants(surname, former_surname),
        dob=normalise.dob(dob),
        sex=normalise.sex(sex),
        nhs_number=normalise.nhs_number(nhs_number),
        upn=normalise.upn(upn),
        postcode=normalise.postcode(postcode),
    )


def key_values(identity: Identity) -> Iterator[tuple[str, str]]:
    """(key type, normalised key string) pairs, in priority order."""
    if identity.nhs_number:
        yield "nhs", identity.nhs_number
    if identity.upn:
        yield "upn", identity.upn
    if not identity.dob:
        return
    if identity.sex:
        for fn in identity.forenames:
            for sn in identity.surnames:
                yield "name_dob_sex", f"{fn}|{sn}|{identity.dob}|{identity.sex}"
    loose = {
        f"{normalise.soundex(fn)}|{normalise.soundex(sn)}|{identity.dob}"
        for fn in identity.forenames
        for sn in identity.surnames
    }
    for value in sorted(loose):
        yield "name_dob_loose", value


def match_keys(identity: Identity, deriver: MatchKeyDeriver) -> list[Token]:
    return [deriver.token(key_type, value) for key_type, value in key_values(identity)]
