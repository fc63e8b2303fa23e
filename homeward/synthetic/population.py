"""A population of children for linkage benchmarks: families, siblings, twins, homes, identifiers.

Deterministic for a given ``random.Random``. Families share a surname (mostly) and a postcode;
about one family in ten with two or more children has twins; unaccompanied asylum-seeking
children come alone, mostly with an estimated 1 January birthday. Communities live where
communities live: British spread out, others concentrated in a few districts. Names come from
homeward.synthetic.names; NHS numbers are valid and unique (9xx, outside issued ranges), UPNs
carry their DfE check letter.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from homeward.synthetic.identifiers import nhs_check_digit, upn_check_letter
from homeward.synthetic.names import COMMUNITY, Community, draw_forenames, draw_surname, surname_for

TODAY = date(2026, 11, 1)
P_SAME_SURNAME = 0.8  # a brother or sister carries the family surname
P_TWINS = 0.10  # of families with two or more children
FAMILY_SIZES = ((1, 2, 3, 4), (0.55, 0.27, 0.12, 0.06))
AGE_WEIGHTS = (5, 3, 3, 4, 4, 4, 4, 4, 4, 5, 6, 7, 8, 9, 10, 11, 10, 6)  # ages 0-17


@dataclass(slots=True)
class Person:
    community: Community
    sex: str
    forename: str
    middle: str | None
    surname: str
    dob: date | None
    postcode: str
    nhs: str | None
    upn: str | None
    nickname: str | None = None
    former_surname: str | None = None
    family: int = 0


class Population:
    """Draws children, families and postcodes from one random stream."""

    def __init__(self, rng: random.Random, twins: float = P_TWINS) -> None:
        self.rng = rng
        self.twins = twins
        self.districts = _districts(rng)
        self.home = {c.key: _home_weights(rng, len(self.districts), c) for c in COMMUNITY.values}
        self.nhs_next = 900_000_000
        self.upn_next = 0
        self.family = 0

    def family_members(self) -> list[Person]:
        rng = self.rng
        size = rng.choices(*FAMILY_SIZES)[0]
        community = COMMUNITY(rng)
        if community.uasc:
            size = 1
        self.family += 1
        surname = draw_surname(rng, community)
        postcode = self._postcode(community)
        twins = size >= 2 and rng.random() < self.twins
        dob = self._dob(community)
        members: list[Person] = []
        for i in range(size):
            own = surname if rng.random() < P_SAME_SURNAME else draw_surname(rng, community)
            born = dob if (twins and i == 1) else dob - timedelta(days=rng.randint(300, 1800) * i)
            taken = {m.forename for m in members}
            person = self._person(community, own, born, postcode)
            while person.forename in taken:  # parents do not give two children one name
                person = self._person(community, own, born, postcode)
            members.append(person)
        return members

    def _person(self, community: Community, surname: str, dob: date, postcode: str) -> Person:
        sex = "M" if self.rng.random() < (0.9 if community.uasc else 0.55) else "F"
        names = draw_forenames(self.rng, community, sex)
        return Person(
            community,
            sex,
            names.forename,
            names.middle,
            surname_for(surname, sex, gendered=community.gendered_surnames),
            dob,
            postcode,
            self._nhs(),
            self._upn(),
            names.known_as,
            family=self.family,
        )

    def _dob(self, community: Community) -> date:
        rng = self.rng
        age = rng.choices(range(18), AGE_WEIGHTS)[0]
        if community.uasc:
            age = rng.choice((14, 15, 16, 16, 17, 17))
        born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
        if community.uasc and rng.random() < 0.6:
            born = date(born.year, 1, 1)  # estimated age: recorded as 1 January
        return born

    def _postcode(self, community: Community) -> str:
        district = self.rng.choices(self.districts, cum_weights=self.home[community.key])[0]
        return self.postcode_in(district)

    def postcode_in(self, district: str) -> str:
        rng = self.rng
        return (
            f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )

    def other_district(self) -> str:
        return self.rng.choice(self.districts)

    def _nhs(self) -> str:
        while True:
            self.nhs_next += 7
            check = nhs_check_digit(str(self.nhs_next))
            if check is not None:
                return f"{self.nhs_next}{check}"

    def _upn(self) -> str:
        self.upn_next += 1
        tail = f"{self.rng.randint(201, 938):03d}{self.upn_next:09d}"
        return upn_check_letter(tail) + tail


def _districts(rng: random.Random) -> list[str]:
    letters = ("BCDEGHKLMNPSTW", "ABCDEHLMNORSTWY")
    areas = sorted({rng.choice(letters[0]) + rng.choice(letters[1]) for _ in range(160)})
    areas[:20] = [a[0] for a in areas[:20]]  # some one-letter areas, like B, M, L
    return [f"{a}{n}" for a in sorted(set(areas)) for n in range(1, rng.randint(6, 24))]


def _home_weights(rng: random.Random, n: int, community: Community) -> list[float]:
    """Where a community lives: British spread out; others concentrated in a few places."""
    weights = [rng.paretovariate(1.5) for _ in range(n)]
    if community.key not in ("white_british", "mixed"):
        hubs = set(rng.sample(range(n), 25 if community.uasc else 60))
        weights = [w * (40 if i in hubs else 1) for i, w in enumerate(weights)]
    return list(accumulate(weights))
