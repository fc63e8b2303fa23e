"""Synthetic children's records for the linkage benchmark, with ground truth.

``generate(spec)`` returns a left file (the responsible authorities' looked-after children), a
right file (children reported missing by other authorities) and the true pairs. A share
``overlap`` of the right-hand records are looked-after children of the left file, recorded again
by another council with the errors councils make; the rest are other children, some of them
siblings or twins of left-hand children (same surname, postcode and, for twins, date of birth)
and many of them namesakes by chance. Deterministic for a given seed.

What varies, per true pair (rates in ``Rates``): known-as and short forenames, other
spellings, typos, middle names, double-barrelled surnames recorded in part, changed surnames
(former surname known to the left side or not), forename/surname order, day/month swaps, DOB
typos, the DfE 15th-of-the-month convention, estimated 1 January birthdays of asylum-seeking
children, moves between postcodes, missing or mistyped NHS numbers and UPNs, and formatting
(case, accents, apostrophes, hyphens, spacing, old and new sex codes).
"""

import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate

from bench.linkage import names

Row = dict[str, str]
COLUMNS = (
    "id",
    "forename",
    "surname",
    "dob",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
    "known_as",
    "former_surname",
)
TODAY = date(2026, 11, 1)
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


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


@dataclass(frozen=True, slots=True)
class Spec:
    left: int = 20_000
    right: int = 20_000
    overlap: float = 0.01  # share of right-hand records with a partner on the left
    sibling_share: float = 0.10  # of non-matching right records: siblings/twins of left children
    seed: int = 1
    rates: Rates = field(default_factory=Rates)


@dataclass(slots=True)
class Person:
    community: names.Community
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


@dataclass(frozen=True, slots=True)
class Benchmark:
    left: list[Row]
    right: list[Row]
    truth: list[tuple[str, str]]
    id_pairs: frozenset[tuple[str, str]]  # true pairs carrying the same NHS number or UPN


class _Table:
    """Names drawn with weight ``1 / (rank + k) ** power``: a Zipf-like head and a long tail."""

    def __init__(self, values: list[str], k: float, power: float = 1.0) -> None:
        self.values = values
        self.cum = list(accumulate(1 / (rank + k) ** power for rank in range(len(values))))

    def __call__(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cum)[0]


def _generated(starts: str, middles: list[str], ends: str, seed: int) -> list[str]:
    """Invented names (``Ash`` + ``er`` + ``ley``), in a fixed shuffled order."""
    found = sorted({a + m + e for a in starts.split() for m in middles for e in ends.split()})
    random.Random(seed).shuffle(found)
    return found


def _listed_then(listed: str, tail: list[str], count: int) -> list[str]:
    head = list(dict.fromkeys(listed.split()))
    seen = set(head)
    return head + [n for n in tail if n not in seen][:count]


class _Population:
    """Draws children, families and postcodes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.communities = list(names.COMMUNITIES)
        self.community_cum = list(accumulate(c.weight for c in self.communities))
        tail_m = names.FORENAME_TAIL_M.split() + _generated(
            names.FORENAME_STARTS, [""], names.FORENAME_ENDS_M, 1
        )
        tail_f = names.FORENAME_TAIL_F.split() + _generated(
            names.FORENAME_STARTS, [""], names.FORENAME_ENDS_F, 2
        )
        middles = names.SURNAME_MIDDLES.split(" ")
        tail_s = _generated(names.SURNAME_STARTS, middles, names.SURNAME_ENDS, 3)
        self.tables = {
            c.key: (
                _Table(_listed_then(c.male, tail_m, c.tail_forenames), c.forename_k),
                _Table(_listed_then(c.female, tail_f, c.tail_forenames), c.forename_k),
                _Table(_listed_then(c.surnames, tail_s, c.tail_surnames), c.surname_k, 0.9),
            )
            for c in self.communities
        }
        self.districts = _districts(rng)
        self.home = {c.key: _home_weights(rng, len(self.districts), c) for c in self.communities}
        self.nhs_next = 900_000_000
        self.upn_next = 0
        self.family = 0

    def family_members(self) -> list[Person]:
        rng = self.rng
        size = rng.choices((1, 2, 3, 4), (0.55, 0.27, 0.12, 0.06))[0]
        community = rng.choices(self.communities, cum_weights=self.community_cum)[0]
        if community.uasc:
            size = 1
        self.family += 1
        surname = self._surname(community)
        postcode = self._postcode(community)
        twins = size >= 2 and rng.random() < 0.10
        dob = self._dob(community)
        members: list[Person] = []
        for i in range(size):
            own_surname = surname if rng.random() < 0.8 else self._surname(community)
            born = dob if (twins and i == 1) else dob - timedelta(days=rng.randint(300, 1800) * i)
            taken = {m.forename for m in members}
            person = self._person(community, own_surname, born, postcode)
            while person.forename in taken:  # parents do not give two children one name
                person = self._person(community, own_surname, born, postcode)
            members.append(person)
        return members

    def _person(self, community: names.Community, surname: str, dob: date, postcode: str) -> Person:
        rng = self.rng
        sex = "M" if rng.random() < (0.9 if community.uasc else 0.55) else "F"
        table = self.tables[community.key][0 if sex == "M" else 1]
        forename = table(rng)
        middle = table(rng) if rng.random() < 0.4 else None
        if sex == "F" and surname.endswith("ski"):
            surname = surname[:-1] + "a"
        nick = None
        variants = names.VARIANTS.get(forename)
        if variants and rng.random() < 0.35:
            nick = rng.choice(variants)
        return Person(
            community,
            sex,
            forename,
            middle,
            surname,
            dob,
            postcode,
            self._nhs(),
            self._upn(),
            nick,
            family=self.family,
        )

    def _surname(self, community: names.Community) -> str:
        table = self.tables[community.key][2]
        first = table(self.rng)
        if self.rng.random() < community.double_barrel:
            second = table(self.rng)
            if second != first:
                return f"{first}-{second}" if self.rng.random() < 0.8 else f"{first} {second}"
        return first

    def _dob(self, community: names.Community) -> date:
        rng = self.rng
        age = rng.choices(range(18), (5, 3, 3, 4, 4, 4, 4, 4, 4, 5, 6, 7, 8, 9, 10, 11, 10, 6))[0]
        if community.uasc:
            age = rng.choice((14, 15, 16, 16, 17, 17))
        born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
        if community.uasc and rng.random() < 0.6:
            born = date(born.year, 1, 1)  # estimated age: recorded as 1 January
        return born

    def _postcode(self, community: names.Community) -> str:
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
            base = str(self.nhs_next)
            total = sum(int(d) * w for d, w in zip(base, range(10, 1, -1), strict=True))
            check = (11 - total % 11) % 11
            if check != 10:
                return base + str(check)

    def _upn(self) -> str:
        self.upn_next += 1
        tail = f"{self.rng.randint(201, 938):03d}{self.upn_next:09d}"
        return upn_check(tail) + tail


def upn_check(tail: str) -> str:
    total = sum(
        w * (int(c) if c.isdigit() else UPN_LETTERS.index(c)) for w, c in enumerate(tail, start=2)
    )
    return UPN_LETTERS[total % 23]


def _districts(rng: random.Random) -> list[str]:
    letters = ("BCDEGHKLMNPSTW", "ABCDEHLMNORSTWY")
    areas = sorted({rng.choice(letters[0]) + rng.choice(letters[1]) for _ in range(160)})
    areas[:20] = [a[0] for a in areas[:20]]  # some one-letter areas, like B, M, L
    return [f"{a}{n}" for a in sorted(set(areas)) for n in range(1, rng.randint(6, 24))]


def _home_weights(rng: random.Random, n: int, community: names.Community) -> list[float]:
    """Where a community lives: British spread out; others concentrated in a few places."""
    weights = [rng.paretovariate(1.5) for _ in range(n)]
    if community.key not in ("white_british", "mixed"):
        hubs = set(rng.sample(range(n), 25 if community.uasc else 60))
        weights = [w * (40 if i in hubs else 1) for i, w in enumerate(weights)]
    return list(accumulate(weights))


def generate(spec: Spec) -> Benchmark:
    rng = random.Random(spec.seed)
    pop = _Population(rng)
    left: list[Person] = []
    kin: list[Person] = []  # siblings of left-hand children who are not looked after
    while len(left) < spec.left:
        members = pop.family_members()
        in_care = [m for m in members if rng.random() < 0.7] or members[:1]
        left.extend(in_care)
        kin.extend(m for m in members if m not in in_care)
    left = left[: spec.left]
    partners = rng.sample(range(len(left)), round(spec.right * spec.overlap))
    n_kin = min(len(kin), round((spec.right - len(partners)) * spec.sibling_share))
    others = rng.sample(kin, n_kin)
    while len(partners) + len(others) < spec.right:
        others.extend(pop.family_members()[:1])
    return _files(rng, pop, spec.rates, left, partners, others)


def _files(
    rng: random.Random,
    pop: _Population,
    rates: Rates,
    left: list[Person],
    partners: list[int],
    others: list[Person],
) -> Benchmark:
    left_rows = [_left_row(rng, f"L{i:06d}", p) for i, p in enumerate(left)]
    right_people = [(i, _reported(rng, pop, rates, left[i])) for i in partners]
    right_people += [(None, _reported(rng, pop, rates, p)) for p in others]
    rng.shuffle(right_people)
    right_rows: list[Row] = []
    truth: list[tuple[str, str]] = []
    id_pairs: set[tuple[str, str]] = set()
    for n, (partner, person) in enumerate(right_people):
        row = _right_row(rng, f"R{n:06d}", person)
        right_rows.append(row)
        if partner is not None:
            pair = (left_rows[partner]["id"], row["id"])
            truth.append(pair)
            if _same_id(left_rows[partner], row):
                id_pairs.add(pair)
    return Benchmark(left_rows, right_rows, truth, frozenset(id_pairs))


def _same_id(a: Row, b: Row) -> bool:
    def clean(v: str) -> str:
        return v.replace(" ", "").upper()

    return any(a[k] and clean(a[k]) == clean(b[k]) for k in ("nhs_number", "upn"))


def _reported(rng: random.Random, pop: _Population, r: Rates, p: Person) -> Person:
    """The same child as another council records it."""
    forename = p.forename
    if (p.nickname and rng.random() < 0.6) or rng.random() < r.nickname:
        forename = p.nickname or rng.choice(names.VARIANTS.get(p.forename, (p.forename,)))
    elif rng.random() < r.spelling:
        forename = rng.choice(names.VARIANTS.get(p.forename, (_typo(rng, p.forename),)))
    if rng.random() < r.forename_typo:
        forename = _typo(rng, forename)
    if p.middle and rng.random() < r.middle_name / 0.4:
        forename = p.middle
    surname, former = p.surname, None
    if rng.random() < r.surname_changed:
        surname, former = pop.tables[p.community.key][2](rng), p.surname
    elif ("-" in surname or " " in surname) and rng.random() < r.barrel_part:
        surname = rng.choice(surname.replace("-", " ").split())
    if rng.random() < r.surname_typo:
        surname = _typo(rng, surname)
    if rng.random() < r.names_swapped:
        forename, surname = surname, forename
    return replace(
        p,
        forename=forename if rng.random() > r.forename_missing else "",
        surname=surname,
        former_surname=former,
        dob=_dob_error(rng, r, p.dob),
        sex=_sex_error(rng, r, p.sex),
        postcode=_moved(rng, pop, r, p.postcode),
        nhs=_id_error(rng, p.nhs, r.right_nhs, r.id_typo),
        upn=_id_error(rng, p.upn, r.right_upn, r.id_typo),
        middle=None,
    )


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    op = rng.random()
    letter = rng.choice("abcdefghijklmnoprstuwy")
    if op < 0.3:
        return text[:i] + letter + text[i + 1 :]
    if op < 0.55:
        return text[:i] + text[i + 1 :]
    if op < 0.8:
        return text[:i] + letter + text[i:]
    j = min(i + 1, len(text) - 1)
    return text[:i] + text[j] + text[i] + text[j + 1 :] if j > i else text


def _dob_error(rng: random.Random, r: Rates, born: date) -> date | None:
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


def _moved(rng: random.Random, pop: _Population, r: Rates, postcode: str) -> str:
    x = rng.random()
    if x < r.moved_away:
        return pop.postcode_in(pop.other_district())
    x -= r.moved_away
    if x < r.moved_near:
        return pop.postcode_in(postcode.split()[0])
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


def _left_row(rng: random.Random, row_id: str, p: Person) -> Row:
    uasc = p.community.uasc
    age = (TODAY - p.dob).days // 365
    nhs = p.nhs if rng.random() > (0.4 if uasc else 0.07) else None
    upn = p.upn if age >= 5 and rng.random() > (0.6 if uasc else 0.15) else None
    person = replace(
        p,
        nhs=nhs,
        upn=upn,
        nickname=p.nickname if rng.random() < 0.6 else None,
        former_surname=None,
    )
    return _row(rng, row_id, person)


def _right_row(rng: random.Random, row_id: str, p: Person) -> Row:
    return _row(rng, row_id, replace(p, nickname=None))


def _row(rng: random.Random, row_id: str, p: Person) -> Row:
    forename = p.forename + (f" {p.middle}" if p.middle and rng.random() < 0.5 else "")
    return {
        "id": row_id,
        "forename": _format_name(rng, forename),
        "surname": _format_name(rng, p.surname),
        "dob": p.dob.isoformat() if p.dob else "",
        "sex": _format_sex(rng, p.sex),
        "postcode": _format_postcode(rng, p.postcode),
        "nhs_number": _format_nhs(rng, p.nhs),
        "upn": p.upn or "",
        "known_as": p.nickname or "",
        "former_surname": p.former_surname or "",
    }


def _format_name(rng: random.Random, name: str) -> str:
    x = rng.random()
    if x < 0.3:
        name = name.upper()
    elif x < 0.35:
        name = name.lower()
    if rng.random() < 0.3:
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    if rng.random() < 0.2:
        name = name.replace("'", "")
    if rng.random() < 0.2:
        name = name.replace("-", " ")
    return f" {name}" if rng.random() < 0.02 else name


def _format_sex(rng: random.Random, sex: str) -> str:
    if not sex:
        return ""
    return rng.choice((sex, sex, {"M": "1", "F": "2"}[sex], {"M": "Male", "F": "Female"}[sex]))


def _format_postcode(rng: random.Random, postcode: str) -> str:
    if not postcode:
        return ""
    x = rng.random()
    return postcode.lower() if x < 0.1 else postcode.replace(" ", "") if x < 0.3 else postcode


def _format_nhs(rng: random.Random, nhs: str | None) -> str:
    if not nhs:
        return ""
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if rng.random() < 0.5 else nhs
