"""Linkage evaluation input: two CSV files of people and a truth file, and the connector step
that turns each person into match-key tokens exactly as a council's connector does.

People CSV: header row; columns ``id, forename, surname, dob (YYYY-MM-DD), sex, postcode,
nhs_number, upn``, any of them empty except ``id``; the optional columns ``known_as`` and
``former_surname`` are used when present (the connector's identity extract has them); any other
column is ignored. Truth CSV: ``left_id, right_id``.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from connectors import normalise
from connectors.idnear import NEAR_TYPE, NearTokens
from connectors.matchkeys import NHS, UPN, Identity, Tokeniser, normalise_identity
from connectors.similarity import Encoder, Encoding
from hub.linking.decide import OPAQUE_ID
from keys import MatchKeyDeriver

PEOPLE_COLUMNS = ("id", "forename", "surname", "dob", "sex", "postcode", "nhs_number", "upn")
OPTIONAL_COLUMNS = ("known_as", "former_surname")
TRUTH_COLUMNS = ("left_id", "right_id")


class LinkageInputError(ValueError):
    """An input file is missing, unreadable or lacks a required column."""


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    forename: str
    surname: str
    dob: str
    sex: str
    postcode: str
    nhs_number: str
    upn: str
    known_as: str = ""
    former_surname: str = ""


@dataclass(frozen=True, slots=True)
class Schemes:
    """How identifier columns are read. The defaults are the connector's (v1); the opaque
    schemes exist for foreign benchmark data (FEBRL), never for councils' records."""

    opaque_ids: bool = False  # nhs_number/upn: any identifier, no check digit
    opaque_postcodes: bool = False  # postcode: any code, used whole as the district


UK_SCHEMES = Schemes()


def _rows(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise LinkageInputError(f"{path}: missing column(s) {', '.join(missing)}")
            return list(reader)
    except OSError as exc:
        raise LinkageInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise LinkageInputError(f"{path}: not a UTF-8 CSV file ({exc})") from exc


def read_people(path: Path) -> list[Person]:
    rows = _rows(path, ("id",))
    people: list[Person] = []
    for line, row in enumerate(rows, start=2):
        if not (row.get("id") or "").strip():
            raise LinkageInputError(f"{path}:{line}: empty id")
        fields = {c: (row.get(c) or "").strip() for c in PEOPLE_COLUMNS + OPTIONAL_COLUMNS}
        people.append(Person(**fields))
    return people


def read_truth(path: Path) -> set[tuple[str, str]]:
    return {(row["left_id"].strip(), row["right_id"].strip()) for row in _rows(path, TRUTH_COLUMNS)}


def identity(person: Person, schemes: Schemes = UK_SCHEMES) -> Identity:
    """The connector's normalisation, with the opaque schemes swapped in when asked."""
    found = normalise_identity(
        forename=person.forename,
        surname=person.surname,
        dob=person.dob,
        sex=person.sex,
        nhs_number=person.nhs_number,
        upn=person.upn,
        postcode=person.postcode,
        known_as=person.known_as,
        former_surname=person.former_surname,
    )
    if schemes.opaque_ids:
        found = found._replace(
            nhs_number=normalise.opaque_id(person.nhs_number), upn=normalise.opaque_id(person.upn)
        )
    if schemes.opaque_postcodes:
        code = "".join(person.postcode.upper().split())
        found = found._replace(postcode=normalise.Postcode(code, code, code) if code else None)
    return found


def tokens(
    people: Iterable[Person], deriver: MatchKeyDeriver, schemes: Schemes = UK_SCHEMES
) -> list[list[tuple[str, str]]]:
    """Each person's (key type, token) pairs, as their council's connector would send them."""
    tokenise = Tokeniser(deriver)
    found = [tokenise(identity(p, schemes)) for p in people]
    if schemes.opaque_ids:  # an identifier without a check digit: its own key type
        opaque = {NHS: OPAQUE_ID, UPN: OPAQUE_ID}
        found = [[(opaque.get(t, t), v) for t, v in keys] for keys in found]
    return found


def near_tokens(
    people: Iterable[Person], deriver: MatchKeyDeriver, schemes: Schemes = UK_SCHEMES
) -> list[list[tuple[str, str]]]:
    """Each person's identifier neighbourhood tokens (connectors.idnear), as (key type, token)
    pairs: only for identifiers without a check digit (``--opaque-ids``), none otherwise."""
    if not schemes.opaque_ids:
        return [[] for _ in people]
    tokenise = NearTokens(deriver)
    found = []
    for p in people:
        ids = identity(p, schemes)
        found.append([(NEAR_TYPE, t) for t in tokenise(((NHS, ids.nhs_number), (UPN, ids.upn)))])
    return found


def encodings(
    people: Iterable[Person], deriver: MatchKeyDeriver, schemes: Schemes = UK_SCHEMES
) -> list[Encoding]:
    """Each person's second-stage encoding (connectors.similarity), as their connector sends it."""
    encode = Encoder(deriver)
    return [encode(identity(p, schemes), p.postcode) for p in people]
