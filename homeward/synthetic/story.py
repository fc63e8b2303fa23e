"""The demo's story: a child of council A, placed in council B, found by council C.

``pick_runaway`` chooses the child, ``pick_reporting_council`` the council that finds them,
and ``found_person_record`` writes the child down as that council records them.
"""

import random
import unicodedata
from collections import Counter
from collections.abc import Sequence

from homeward.synthetic.children import SyntheticPerson
from homeward.synthetic.choice import pick
from homeward.synthetic.codes import age, fmt
from homeward.synthetic.councils import Council
from homeward.synthetic.extracts import CouncilExtract, Row
from homeward.synthetic.identifiers import spaced_nhs


def pick_runaway(
    extracts: Sequence[CouncilExtract], rng: random.Random
) -> tuple[CouncilExtract, SyntheticPerson, Council]:
    """A teenager of council A placed in council B, whom a third council C can find.

    Avoids children with brothers or sisters in care, children already missing, and anyone who
    shares surname and date of birth with another child, so the demo's match is unambiguous.
    """
    known = {e.council.code for e in extracts} | {
        c.placed_in.code for e in extracts for c in e.children
    }
    twins = Counter((c.person.surname, c.person.dob) for e in extracts for c in e.children)
    candidates = [
        (e, c)
        for e in extracts
        for c in e.children
        if c.placed_in.code != e.council.code
        and len(known - {e.council.code, c.placed_in.code})
        and c.sibling_group is None
        and twins[(c.person.surname, c.person.dob)] == 1
        and all(m.end is not None for m in c.missing)
    ]
    teenagers = [(e, c) for e, c in candidates if age(c.person.dob, e.today) >= 12]
    if not candidates:
        raise ValueError("no child is placed out of area with a third council to find them")
    extract, child = pick(rng, teenagers or candidates)
    return extract, child.person, child.placed_in


def pick_reporting_council(
    councils: Sequence[Council], home: Council, placed_in: Council, rng: random.Random
) -> Council:
    """A council C that is neither the child's home council A nor the host council B."""
    choices = [c for c in councils if c.code not in (home.code, placed_in.code)]
    if not choices:
        raise ValueError("need a third council")
    return pick(rng, choices)


_ASCII_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss"})


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def found_person_record(person: SyntheticPerson, rng: random.Random) -> Row:
    """The child's identity as another council (the reporter) records it when they are found.

    Same child, recorded differently: first forename only or the known-as name, the former
    surname alone, accents dropped, apostrophes and hyphens lost, upper case, NHS number spaced
    or absent, UPN usually absent, ISO or 903 date, sex sometimes blank, postcode unspaced.
    The date of birth is always right. Keys are the identity extract columns.
    """
    forename = person.forename.split(" ")[0]
    if person.known_as and rng.random() < 0.5:
        forename = person.known_as
    surname = person.surname
    if person.former_surname and rng.random() < 0.3:
        surname = person.former_surname  # the name the child gives
    if rng.random() < 0.5:
        forename, surname = _ascii(forename), _ascii(surname)
    surname = surname.replace("'", "" if rng.random() < 0.6 else " ")
    if rng.random() < 0.3:
        surname = surname.replace("-", " ")
    if rng.random() < 0.6:
        surname = surname.upper()
    nhs = person.nhs_number if rng.random() < 0.6 else None
    postcode = person.postcode.replace(" ", "")
    if rng.random() < 0.2:
        postcode = postcode.lower()
    return {
        "child_id": f"MP{rng.randrange(1_000_000):06d}",
        "nhs_number": "" if nhs is None else spaced_nhs(nhs),
        "upn": person.upn if rng.random() < 0.15 else "",
        "forename": forename.upper() if rng.random() < 0.2 else forename,
        "known_as": "",
        "surname": surname,
        "former_surname": "",
        "dob": person.dob.isoformat() if rng.random() < 0.5 else fmt(person.dob),
        "sex": "" if rng.random() < 0.2 else person.sex,
        "postcode": "" if rng.random() < 0.3 else postcode,
        "placement_authority": "",
    }
