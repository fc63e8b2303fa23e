"""Linkage benchmark data with ground truth: ``generate(Spec(...))``.

Returns a left file (the responsible authorities' looked-after children), a right file
(children reported by other authorities) and the true pairs. A share ``overlap`` of the
right-hand records are looked-after children of the left file, recorded again by another
council with the errors councils make (homeward.synthetic.variation, rates in ``Rates``); the
rest are other children, some of them siblings or twins of left-hand children (same surname,
postcode and, for twins, date of birth) and many of them namesakes by chance (the population:
homeward.synthetic.population). Deterministic for a given seed.

``hardened(...)`` is the issue-11 benchmark: most right-hand records are police reports
(homeward.synthetic.police: no identifiers, known-as names, ages for dates of birth, postcode
districts), a quarter of the others are siblings or twins placed with a left-hand child, and
children are reported several times. Knobs: ``Spec`` (sizes, overlap, siblings, seed),
``Spec.rates`` (one rate per recording error) and ``Spec.in_care`` (share of a family looked
after). New variation belongs in one of them, with a default that keeps today's data.
"""

import random
import unicodedata
from dataclasses import dataclass, field, replace
from typing import TypeVar

from homeward.synthetic.identifiers import spaced_nhs
from homeward.synthetic.police import police_report
from homeward.synthetic.population import P_TWINS, TODAY, Person, Population
from homeward.synthetic.variation import Rates, reported

__all__ = ["COLUMNS", "TODAY", "Benchmark", "Rates", "Row", "Spec", "generate", "hardened"]

Row = dict[str, str]
T = TypeVar("T")
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


@dataclass(frozen=True, slots=True)
class Spec:
    left: int = 20_000
    right: int = 20_000
    overlap: float = 0.01  # share of right-hand records with a partner on the left
    sibling_share: float = 0.10  # of non-matching right records: siblings/twins of left children
    in_care: float = 0.7  # share of a family's children looked after (at least one)
    seed: int = 1
    rates: Rates = field(default_factory=Rates)
    police_share: float = 0.0  # of right records: police reports (homeward.synthetic.police)
    repeat_share: float = 0.0  # chance that a reported child is reported once more
    twins: float = P_TWINS  # of families with two or more children


def hardened(left: int, right: int, overlap: float, seed: int = 1) -> Spec:
    """The hardened benchmark (issue 11): most reports from the police, more siblings and twins
    placed together, children reported several times, councils' own errors as before."""
    return Spec(
        left=left,
        right=right,
        overlap=overlap,
        seed=seed,
        sibling_share=0.25,
        police_share=0.6,
        repeat_share=0.3,
        twins=0.2,
    )


@dataclass(frozen=True, slots=True)
class Benchmark:
    left: list[Row]
    right: list[Row]
    truth: list[tuple[str, str]]
    id_pairs: frozenset[tuple[str, str]]  # true pairs carrying the same NHS number or UPN


def generate(spec: Spec) -> Benchmark:
    """The benchmark's two files and its ground truth."""
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible, not secret
    pop = Population(rng, spec.twins)
    left: list[Person] = []
    kin: list[Person] = []  # siblings of left-hand children who are not looked after
    while len(left) < spec.left:
        members = pop.family_members()
        in_care = [m for m in members if rng.random() < spec.in_care] or members[:1]
        left.extend(in_care)
        kin.extend(m for m in members if m not in in_care)
    left = left[: spec.left]
    n_partners = round(spec.right * spec.overlap)
    partners = _repeated(rng, rng.sample(range(len(left)), n_partners), spec)[:n_partners]
    n_kin = min(len(kin), round((spec.right - len(partners)) * spec.sibling_share))
    others = _repeated(rng, rng.sample(kin, n_kin), spec)[:n_kin]
    while len(partners) + len(others) < spec.right:
        others.extend(_repeated(rng, pop.family_members()[:1], spec))
    others = others[: spec.right - len(partners)]
    return _files(rng, pop, spec, left, partners, others)


def _repeated(rng: random.Random, reported: list[T], spec: Spec) -> list[T]:
    """Each reported child once, and again with chance ``repeat_share`` each time."""
    out: list[T] = []
    for child in reported:
        out.append(child)
        while spec.repeat_share and rng.random() < spec.repeat_share:
            out.append(child)
    return out


def _files(
    rng: random.Random,
    pop: Population,
    spec: Spec,
    left: list[Person],
    partners: list[int],
    others: list[Person],
) -> Benchmark:
    left_rows = [_left_row(rng, f"L{i:06d}", p) for i, p in enumerate(left)]

    def report(p: Person) -> Person:
        if spec.police_share and rng.random() < spec.police_share:
            return police_report(rng, pop, p)
        return reported(rng, pop, spec.rates, p)

    right_people: list[tuple[int | None, Person]] = [(i, report(left[i])) for i in partners]
    right_people += [(None, report(p)) for p in others]
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


def _left_row(rng: random.Random, row_id: str, p: Person) -> Row:
    uasc = p.community.uasc
    age = (TODAY - p.dob).days // 365 if p.dob else 0
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
    return spaced_nhs(nhs) if rng.random() < 0.5 else nhs
