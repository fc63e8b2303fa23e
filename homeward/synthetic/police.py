"""How the police record a missing or found child: the hardest reports the hub receives.

``police_report(rng, places, person)`` returns the child as an officer writes them down from
what the child, a carer or a member of the public says, usually at night and without access to
council systems:

- identifiers are rarely known (an NHS number for about 1 report in 30, a UPN for 1 in 100);
- the name is the one the child gives: a known-as or short form, another transliteration
  (Mohammed/Muhamad, Yusuf/Yousuf, Khan/Kan), forename and surname the other way round
  (more often for communities whose family name comes first), one name only (recorded as both
  forename and surname, or with the surname blank), part of a double surname, or a typo;
- an age instead of a date of birth (recorded as 1 January of the implied year, the usual
  estimate), an approximate date (a few days or a month out) or a wrong one (day and month
  swapped, another year);
- the address as a last-known postcode district (``B12``) or nothing at all.

Rates are fixed here and documented in bench/RESULTS.md; a harder benchmark is a new rate, not
a new rule. Deterministic for a given ``random.Random``.
"""

import random
from dataclasses import replace
from datetime import date, timedelta

from homeward.synthetic.names import VARIANTS
from homeward.synthetic.population import TODAY, Person
from homeward.synthetic.variation import Places, TypoCuts, typo

FAMILY_NAME_FIRST = frozenset({"chinese", "uasc"})  # name order often recorded the other way
P_NHS, P_UPN = 0.03, 0.01
P_KNOWN_AS = 0.30  # the name the child gives, when they have one or it has a short form
P_TRANSLITERATED = 0.10
P_SWAPPED, P_SWAPPED_FAMILY_FIRST = 0.04, 0.25
P_SINGLE_NAME = 0.03  # of asylum-seeking children: 0.25
P_FORENAME_TYPO, P_SURNAME_TYPO = 0.04, 0.05
P_BARREL_PART = 0.5  # of double surnames: one part only
OFFICER_TYPOS: TypoCuts = (0.35, 0.7, 1.0)  # replaced, dropped or added; never transposed
# Date of birth: exact, else age only, approximate, day/month swapped, other year, missing.
DOB_CASES = (("exact", 0.52), ("age", 0.22), ("near", 0.10), ("swap", 0.04), ("year", 0.05))
P_DOB_MISSING = 0.07  # the rest
# Postcode: district only, full (often out of date), nothing.
P_DISTRICT_ONLY, P_FULL_POSTCODE = 0.50, 0.25
P_MOVED = 0.2  # a full postcode that is an old or new address in another district
P_SEX_MISSING = 0.02

# Spelling rules that transliterations and officers' ears produce, tried in a random order.
_SPELLINGS = (
    ("PH", "F"), ("F", "PH"), ("OU", "U"), ("U", "OU"), ("EE", "I"), ("I", "EE"), ("KH", "K"),
    ("K", "KH"), ("Y", "I"), ("I", "Y"), ("MM", "M"), ("M", "MM"), ("AH", "A"), ("SH", "CH"),
    ("J", "DJ"), ("Z", "S"), ("S", "Z"), ("TT", "T"), ("LL", "L"), ("IE", "Y"), ("EI", "AY"),
    ("C", "K"), ("K", "C"), ("V", "W"), ("O", "U"), ("E", "A"),
)  # fmt: skip


def police_report(rng: random.Random, places: Places, p: Person) -> Person:
    """The child as a police report records them."""
    forename, surname = _names(rng, p)
    return replace(
        p,
        forename=forename,
        surname=surname,
        former_surname=None,
        nickname=None,
        middle=None,
        dob=_dob(rng, p.dob),
        sex="" if rng.random() < P_SEX_MISSING else p.sex,
        postcode=_postcode(rng, places, p.postcode),
        nhs=p.nhs if rng.random() < P_NHS else None,
        upn=p.upn if rng.random() < P_UPN else None,
    )


def _names(rng: random.Random, p: Person) -> tuple[str, str]:
    forename, surname = p.forename, p.surname
    if rng.random() < P_KNOWN_AS:
        forename = p.nickname or rng.choice(VARIANTS.get(p.forename, (p.forename,)))
    if rng.random() < P_TRANSLITERATED:
        forename = transliterate(rng, forename)
    if rng.random() < P_TRANSLITERATED:
        surname = transliterate(rng, surname)
    if ("-" in surname or " " in surname) and rng.random() < P_BARREL_PART:
        surname = rng.choice(surname.replace("-", " ").split())
    if rng.random() < P_FORENAME_TYPO:
        forename = typo(rng, forename, OFFICER_TYPOS)
    if rng.random() < P_SURNAME_TYPO:
        surname = typo(rng, surname, OFFICER_TYPOS)
    swapped = P_SWAPPED_FAMILY_FIRST if p.community.key in FAMILY_NAME_FIRST else P_SWAPPED
    if rng.random() < swapped:
        forename, surname = surname, forename
    if rng.random() < (0.25 if p.community.uasc else P_SINGLE_NAME):
        single = forename
        return (single, single) if rng.random() < 0.5 else (single, "")
    return forename, surname


def transliterate(rng: random.Random, name: str) -> str:
    """Another plausible spelling of ``name`` (the first rule that applies, in random order)."""
    upper = name.upper()
    rules = list(_SPELLINGS)
    rng.shuffle(rules)
    for old, new in rules:
        at = upper.find(old, 1)  # keep the first letter: officers hear it right
        if at > 0:
            spelt = upper[:at] + new + upper[at + len(old) :]
            return spelt.capitalize() if name[:1].isupper() else spelt.lower()
    return name


def _dob(rng: random.Random, born: date | None) -> date | None:
    if born is None:
        return None
    x = rng.random()
    for case, share in DOB_CASES:
        if x < share:
            return _dob_case(rng, case, born)
        x -= share
    return None


def _dob_case(rng: random.Random, case: str, born: date) -> date:
    if case == "age":  # "she says she is 14": the estimate councils use too
        age = (TODAY - born).days // 365
        return date(TODAY.year - age, 1, 1)
    if case == "near":
        return born + timedelta(days=rng.choice((-31, -30, -7, -3, -1, 1, 2, 5, 30, 31)))
    if case == "swap" and born.day <= 12 and born.day != born.month:
        return date(born.year, born.day, born.month)
    if case == "year":
        try:
            return born.replace(year=born.year + rng.choice((-2, -1, 1)))
        except ValueError:
            return born
    return born


def _postcode(rng: random.Random, places: Places, postcode: str) -> str:
    x = rng.random()
    if x < P_DISTRICT_ONLY:
        return postcode.split()[0]
    x -= P_DISTRICT_ONLY
    if x < P_FULL_POSTCODE:
        return places.postcode_in(places.other_district()) if rng.random() < P_MOVED else postcode
    return ""
