"""Names for synthetic children: one set of tables for council extracts and linkage benchmarks.

Community shares are shaped on children looked after in England (about three quarters White,
one in ten Mixed, then Black, Asian and Other groups; unaccompanied asylum-seeking children,
mostly teenage boys, about 7 %). Each community draws forenames and surnames with weight
``1 / (rank + k) ** s`` over its listed names (homeward.synthetic.name_lists, most common
first) followed by a generated long tail of invented names, so that namesakes are about as
common as in a real population, neither absent (which would flatter a matcher) nor everywhere.
Known-as forms and other spellings (``VARIANTS``) deliberately include some that the
connector's forename groups do not know. Every name is common enough to belong to thousands of
people; no combination describes a real child. Weights are invented; the shape was checked
against public ONS summaries (bench/RESULTS.md, linkage notes).
"""

import random
from dataclasses import dataclass, replace
from functools import cache

from homeward.synthetic import name_lists as lists
from homeward.synthetic.choice import Choice, Weighted, parse_weights

VARIANTS = lists.VARIANTS
P_MIDDLE_NAME = 0.4  # a child has a middle name
P_KNOWN_AS = 0.35  # a child whose forename has a known short form goes by it
P_HYPHEN = 0.8  # a double-barrelled surname is hyphenated (else spaced)


@dataclass(frozen=True, slots=True)
class Community:
    """A naming community: its share, its DfE ETHNIC codes and how its names are drawn."""

    key: str
    weight: float  # relative share of looked-after children
    ethnic: Weighted  # DfE 903 ETHNIC codes
    male: str  # listed names, most common first
    female: str
    surnames: str
    forename_k: float  # rank offset: small concentrates the mass on the first names
    surname_k: float
    uasc: bool = False  # unaccompanied asylum-seeking: teenagers, mostly boys, often no UPN
    double_barrel: float = 0.0  # share of families with a two-part surname
    gendered_surnames: bool = False  # Polish -ski/-ska
    tail_forenames: int = 3000  # generated forenames per sex after the listed ones
    tail_surnames: int = 40000  # generated surnames after the listed ones


def _community(key: str, weight: float, ethnic: str, names: str, k: str) -> Community:
    """``names``: the prefix of the community's lists in name_lists; ``k``: forename, surname k."""
    male, female, surnames = (getattr(lists, f"{names}_{part}") for part in "MFS")
    forename_k, surname_k = map(float, k.split())
    return Community(
        key, weight, parse_weights(ethnic), male, female, surnames, forename_k, surname_k
    )


_MIXED = Community(
    "mixed",
    10,
    parse_weights("MWBC 4, MWBA 2, MWAS 1.5, MOTH 2.5"),
    f"{lists.BRITISH_M} {lists.CARIBBEAN_M}",
    f"{lists.BRITISH_F} {lists.CARIBBEAN_F}",
    f"{lists.BRITISH_S} {lists.CARIBBEAN_S}",
    6,
    5,
    double_barrel=0.15,
)
# key, share, DfE ETHNIC codes, lists, k of forenames and surnames; then what differs
COMMUNITIES: tuple[Community, ...] = (
    replace(
        _community("white_british", 62, "WBRI 96, WOTH 2, REFU 1, NOBT 1", "BRITISH", "6 5"),
        double_barrel=0.05,
    ),
    replace(
        _community("irish_traveller", 1, "WIRI 5, WIRT 4, WBRI 2", "TRAVELLER", "1.5 1.5"),
        tail_surnames=300,
    ),
    replace(
        _community("white_other", 5, "WOTH 8, WROM 2", "EAST_EU", "4 6"),
        tail_surnames=8000,
        gendered_surnames=True,
    ),
    _MIXED,
    replace(
        _community("black_african", 4.5, "BAFR 9, BOTH 1", "AFRICAN", "4 4"), tail_surnames=5000
    ),
    replace(
        _community("black_caribbean", 2, "BCRB 9, BOTH 1", "CARIBBEAN", "4 6"), tail_surnames=8000
    ),
    replace(
        _community("south_asian", 3, "APKN 5, ABAN 3, AIND 2, AOTH 1", "SOUTH_ASIAN", "1.5 2"),
        tail_surnames=2000,
    ),
    replace(
        _community("uasc", 6.5, "AOTH 4, OOTH 3, BAFR 2, WOTH 1", "UASC", "1.5 1.5"),
        uasc=True,
        tail_forenames=500,
        tail_surnames=500,
    ),
    replace(_community("chinese", 0.5, "CHNE 9, AOTH 1", "CHINESE", "2 2"), tail_surnames=300),
)
COMMUNITY = Choice((c, c.weight) for c in COMMUNITIES)


@dataclass(frozen=True, slots=True)
class NameTables:
    male: Choice[str]
    female: Choice[str]
    surnames: Choice[str]

    def forenames(self, sex: str) -> Choice[str]:
        return self.male if sex == "M" else self.female


def zipf(values: list[str], k: float, power: float = 1.0) -> Choice[str]:
    """Values weighted ``1 / (rank + k) ** power``: a Zipf-like head and a long tail."""
    return Choice((value, 1 / (rank + k) ** power) for rank, value in enumerate(values))


def _generated(starts: str, middles: list[str], ends: str, seed: int) -> list[str]:
    """Invented names (``Ash`` + ``er`` + ``ley``), in a fixed shuffled order."""
    found = sorted({a + m + e for a in starts.split() for m in middles for e in ends.split()})
    random.Random(seed).shuffle(found)  # noqa: S311 - reproducible, not secret
    return found


@cache
def _tails() -> tuple[list[str], list[str], list[str]]:
    male = lists.FORENAME_TAIL_M.split() + _generated(
        lists.FORENAME_STARTS, [""], lists.FORENAME_ENDS_M, 1
    )
    female = lists.FORENAME_TAIL_F.split() + _generated(
        lists.FORENAME_STARTS, [""], lists.FORENAME_ENDS_F, 2
    )
    middles = lists.SURNAME_MIDDLES.split(" ")
    return male, female, _generated(lists.SURNAME_STARTS, middles, lists.SURNAME_ENDS, 3)


def _listed_then(listed: str, tail: list[str], count: int) -> list[str]:
    head = list(dict.fromkeys(listed.split()))
    seen = set(head)
    return head + [n for n in tail if n not in seen][:count]


_TABLES: dict[str, NameTables] = {}


def tables(community: Community) -> NameTables:
    """The community's forename and surname tables (built once per process)."""
    found = _TABLES.get(community.key)
    if found is None:
        found = _TABLES[community.key] = _build_tables(community)
    return found


def _build_tables(c: Community) -> NameTables:
    male, female, surnames = _tails()
    return NameTables(
        zipf(_listed_then(c.male, male, c.tail_forenames), c.forename_k),
        zipf(_listed_then(c.female, female, c.tail_forenames), c.forename_k),
        zipf(_listed_then(c.surnames, surnames, c.tail_surnames), c.surname_k, 0.9),
    )


@dataclass(frozen=True, slots=True)
class Forenames:
    forename: str
    middle: str | None
    known_as: str | None  # a short form or other spelling the child goes by


def draw_forenames(rng: random.Random, community: Community, sex: str) -> Forenames:
    """A child's forename, middle name and known-as name (``sex`` M or F)."""
    table = tables(community).forenames(sex)
    forename = table(rng)
    middle = table(rng) if rng.random() < P_MIDDLE_NAME else None
    variants = VARIANTS.get(forename)
    known_as = rng.choice(variants) if variants and rng.random() < P_KNOWN_AS else None
    return Forenames(forename, middle, known_as)


def draw_surname(rng: random.Random, community: Community) -> str:
    """A family surname, sometimes double-barrelled (hyphenated or spaced)."""
    table = tables(community).surnames
    first = table(rng)
    if rng.random() < community.double_barrel:
        second = table(rng)
        if second != first:
            return f"{first}-{second}" if rng.random() < P_HYPHEN else f"{first} {second}"
    return first


_FEMININE_SUFFIXES = (("ski", "ska"), ("cki", "cka"))


def surname_for(surname: str, sex: str, *, gendered: bool) -> str:
    """The form of a family surname that a child of this sex carries (Kowalski -> Kowalska)."""
    if sex == "F" and gendered:
        for masculine, feminine in _FEMININE_SUFFIXES:
            if surname.endswith(masculine):
                return surname[: -len(masculine)] + feminine
    return surname
