"""How another council records the same child: the error model of the linkage benchmarks.

``reported(rng, places, rates, person)`` returns the child as a reporting council writes them
down. Every error has its own rate in ``Rates``, so a harder or more varied benchmark is a new
``Rates`` (or a new field here with its default 0, and one line in ``reported``): known-as and
short forenames, other spellings, typos, middle names, double-barrelled surnames recorded in
part, changed surnames (former surname known to the other side or not), forename/surname order,
day/month swaps, DOB typos, the DfE 15th-of-the-month convention, moves between postcodes, and
missing or mistyped NHS numbers and UPNs. Formatting differences (case, accents, spacing, sex
codes) are added when rows are written (homeward.synthetic.linkage).
"""

import random
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from homeward.synthetic.names import VARIANTS, tables
from homeward.synthetic.population import Person


class Places(Protocol):
    """Where a child can move to (homeward.synthetic.population.Population)."""

    def postcode_in(self, district: str) -> str: ...

    def other_district(self) -> str: ...


# A typo is a letter replaced, dropped, added or (the rest) two letters transposed: one uniform
# draw picks the first kind whose cut it falls below.
TypoCuts = tuple[float, float, float]
COUNCIL_TYPOS: TypoCuts = (0.3, 0.55, 0.8)


@dataclass(frozen=True, slots=True)
class Rates:
    """Per-record probabilities of each error on the reporting (right-hand) side."""

    nickname: float = 0.06  # known-as or short form instead of the legal forename
    spelling: float = 0.03  # another spelling (Mohammed/Muhammad, Jayden/Jaydon)
    forename_typo: float = 0.02
    middle_name: float = 0.01  # goes by the middle name
    forename_missing: float = 0.005
    surname_typo: float = 0.02
    barrel_part: float = 0.4  # of double-barrelled surnames: only one part recorded
    surname_changed: float = 0.03
    former_known: float = 0.5  # of changed surnames: left side records the former surname
    names_swapped: float = 0.005
    dob_swap: float = 0.015  # day and month swapped (day <= 12)
    dob_typo: float = 0.015
    dob_fifteenth: float = 0.005  # unknown day recorded as the 15th
    dob_missing: float = 0.005
    sex_missing: float = 0.10
    sex_wrong: float = 0.005
    moved_away: float = 0.15  # new postcode in another district
    moved_near: float = 0.10  # new postcode in the same district
    postcode_missing: float = 0.10
    postcode_typo: float = 0.01
    right_nhs: float = 0.6  # the reporter knows the NHS number
    right_upn: float = 0.4
    id_typo: float = 0.01


def reported(rng: random.Random, places: Places, r: Rates, p: Person) -> Person:
    """The same child as another council records it."""
    forename = p.forename
    if (p.nickname and rng.random() < 0.6) or rng.random() < r.nickname:
        forename = p.nickname or rng.choice(VARIANTS.get(p.forename, (p.forename,)))
    elif rng.random() < r.spelling:
        forename = rng.choice(VARIANTS.get(p.forename, (typo(rng, p.forename),)))
    if rng.random() < r.forename_typo:
        forename = typo(rng, forename)
    if p.middle and rng.random() < r.middle_name / 0.4:
        forename = p.middle
    surname, former = p.surname, None
    if rng.random() < r.surname_changed:
        surname, former = tables(p.community).surnames(rng), p.surname
    elif ("-" in surname or " " in surname) and rng.random() < r.barrel_part:
        surname = rng.choice(surname.replace("-", " ").split())
    if rng.random() < r.surname_typo:
        surname = typo(rng, surname)
    if rng.random() < r.names_swapped:
        forename, surname = surname, forename
    return replace(
        p,
        forename=forename if rng.random() > r.forename_missing else "",
        surname=surname,
        former_surname=former,
        dob=_dob_error(rng, r, p.dob),
        sex=_sex_error(rng, r, p.sex),
        postcode=_moved(rng, places, r, p.postcode),
        nhs=_id_error(rng, p.nhs, r.right_nhs, r.id_typo),
        upn=_id_error(rng, p.upn, r.right_upn, r.id_typo),
        middle=None,
    )


def typo(rng: random.Random, text: str, cuts: TypoCuts = COUNCIL_TYPOS) -> str:
    """``text`` with one slip after its first letter, the kind picked by ``cuts``."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    op = rng.random()
    letter = rng.choice("abcdefghijklmnoprstuwy")
    replaced, dropped, added = cuts
    if op < replaced:
        return text[:i] + letter + text[i + 1 :]
    if op < dropped:
        return text[:i] + text[i + 1 :]
    if op < added:
        return text[:i] + letter + text[i:]
    j = min(i + 1, len(text) - 1)
    return text[:i] + text[j] + text[i] + text[j + 1 :] if j > i else text


def _dob_error(rng: random.Random, r: Rates, born: date | None) -> date | None:
    if born is None:
        return None
    x = rng.random()
    if x < r.dob_missing:
        return None
    x -= r.dob_missing
    if x < r.dob_swap and born.day <= 12 and born.day != born.month:
        return date(born.year, born.day, born.month)
    x -= r.dob_swap
    if x < r.dob_typo:
        which = rng.choice(("day", "month", "year"))
        try:
            if which == "day":
                return born.replace(day=max(1, min(28, born.day + rng.choice((-10, -1, 1, 10)))))
            if which == "month":
                return born.replace(month=max(1, min(12, born.month + rng.choice((-1, 1)))))
            return born.replace(year=born.year + rng.choice((-1, 1)))
        except ValueError:
            return born
    x -= r.dob_typo
    return born.replace(day=15) if x < r.dob_fifteenth else born


def _sex_error(rng: random.Random, r: Rates, sex: str) -> str:
    x = rng.random()
    if x < r.sex_missing:
        return ""
    return ("F" if sex == "M" else "M") if x < r.sex_missing + r.sex_wrong else sex


def _moved(rng: random.Random, places: Places, r: Rates, postcode: str) -> str:
    x = rng.random()
    if x < r.moved_away:
        return places.postcode_in(places.other_district())
    x -= r.moved_away
    if x < r.moved_near:
        return places.postcode_in(postcode.split()[0])
    x -= r.moved_near
    if x < r.postcode_missing:
        return ""
    x -= r.postcode_missing
    return postcode.replace(" ", " O") if x < r.postcode_typo else postcode


def _id_error(rng: random.Random, value: str | None, present: float, typo: float) -> str | None:
    if value is None or rng.random() >= present:
        return None
    if rng.random() < typo:
        i = rng.randrange(1, len(value))
        return (
            value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]
            if value[i].isdigit()
            else value
        )
    return value
