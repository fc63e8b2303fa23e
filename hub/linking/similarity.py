"""The second stage: reports the match keys do not link, weighed on keyed encodings.

Pure. For one query the hub has the first stage's decision (``hub.linking.decide``) and, for
every child of another authority sharing a blocking token with the query (or any match-key
token), the child's similarity encoding (connectors/similarity.py). Each such candidate gets a
**weight**: the Fellegi-Sunter log2 likelihood ratio of its *evidence cell*, read from a table
learned on synthetic data with known truth (``weights_v1.json``, made by
``python -m bench.linkage.calibrate``). A cell is three things the hub can see:

- the Dice similarity of the two ``names`` filters, in bands (``NAME_EDGES``);
- the Dice similarity of the two ``born`` filters (date of birth parts, sex, district), in
  bands (``BORN_EDGES``);
- the strongest match-key agreement: none, review-only keys, other name keys, an identifier.

Then, if the first stage did not link:

- **link** a candidate only where the evidence is as strong as today's links: a whole match
  key with the full date of birth, or an identifier, agrees (``dated``: name, year and district
  alone do not do, as in the first stage), the ``names``
  filters agree to at least ``link_names`` and the ``born`` filters to at least ``link_born``
  (Dice; 0.9 in effect needs the district too: a common name with its date of birth does not
  link without it, as in the first stage), its weight is at least ``link``, it is the
  only candidate that strong, every other candidate weighs at least ``margin`` less (twins
  and namesakes stay apart), and no identifier contradicts it;
- failing that, **link on a near identifier** the one candidate whose identifier is one typo
  away from the query's (``Candidate.near``) when no candidate shares the identifier itself,
  no identifier contradicts it, and its ``names`` filters agree to at least ``near_names`` or
  its ``born`` filters to at least ``near_born``: an identifier one typo away is common by
  chance among thousands (7-digit identifiers have 69 neighbours), so one other part of the
  record must agree well above chance too;
- failing that, **link on similarity alone** the best candidate no identifier contradicts when
  no whole key other than a review-only one agrees with it (such a key was weighed by the rule
  above, which needs the district: a common name with its date of birth elsewhere stays a
  review), its ``names`` filters agree to at least ``similar_names``, its ``born`` filters to
  at least ``similar_born`` (the year of birth, sex and district agree even when the date is
  an age or a few days out) and every other candidate weighs at least ``similar_margin`` less:
  a child whose near-identical name, year and district nobody else in the search shares;
- **review** every candidate that shares an identifier, and the *likely* ones (``_likely``):
  the best candidate and every other within ``margin`` of it (those the link rule cannot tell
  apart: twins, namesakes), when their weights together beat the rest's together with
  ``review_prior`` (which stands for "none of them") by at least ``review_odds``, in log2:
  the Fellegi-Sunter posterior odds that the child is among them, so a lone plausible
  candidate is worth a look at less evidence than one of several. A table without
  ``review_odds`` reviews every candidate whose weight is at least ``review`` and, failing
  those, the best alone when its weight is at least ``review_alone`` and every other weighs
  at least ``margin_alone`` less;
- **none** otherwise, even if the first stage would have asked for a review: a weak key shared
  by chance is not worth a duty worker's night.

Weights never leave the hub: the outcome is link / review / none, as before.
"""

import json
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hub.linking.decide import (
    EXACT_DOB_KEYS,
    ID_KEYS,
    LINK,
    LOCATION_KEYS,
    REVIEW,
    WEAK_KEYS,
    Candidate,
    Decision,
)

NAME_EDGES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.999)
BORN_EDGES = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.999)
KEYS_NONE, KEYS_WEAK, KEYS_NAME, KEYS_ID = range(4)
YEAR_ONLY_KEYS = LOCATION_KEYS - EXACT_DOB_KEYS  # name, year and district: no full date


@dataclass(frozen=True, slots=True)
class Encoded:
    """A child's second-stage encoding as the hub holds it (two filters as integers)."""

    child_id: int
    names: int
    born: int
    held: frozenset[str] = frozenset()  # the identifier key types the child holds


@dataclass(frozen=True, slots=True)
class Rule:
    weights: dict[tuple[int, int, int], float]
    link: float
    review: float
    margin: float
    floor: float  # weight of a cell never seen in calibration
    review_alone: float = math.inf  # least weight to review a candidate standing alone
    margin_alone: float = 8.0  # how far every other candidate must be below it
    link_names: float = 0.85  # least Dice of the names filters for a second-stage link
    link_born: float = 0.9  # least Dice of the born filters for a second-stage link
    similar_names: float = math.inf  # least names Dice to link on similarity alone
    similar_born: float = math.inf  # least born Dice to link on similarity alone
    similar_margin: float = math.inf  # how far every other candidate must be below it
    near_names: float = math.inf  # least names Dice to link on a near identifier, or
    near_born: float = math.inf  # least born Dice to link on a near identifier
    review_prior: float = math.inf  # log2 weight of "none of them" when weighing a review
    review_odds: float = math.inf  # least log2 odds of the best candidates against all else


@cache
def rule() -> Rule:
    text = resources.files("hub.linking").joinpath("weights_v1.json").read_text("utf-8")
    return rule_from(json.loads(text))


def rule_from(data: dict[str, object]) -> Rule:
    cells = data["weights"]
    assert isinstance(cells, dict)
    weights = {tuple(map(int, k.split(","))): float(v) for k, v in cells.items()}
    return Rule(
        weights,  # type: ignore[arg-type]
        float(data["link"]),  # type: ignore[arg-type]
        float(data["review"]),  # type: ignore[arg-type]
        float(data["margin"]),  # type: ignore[arg-type]
        float(data["floor"]),  # type: ignore[arg-type]
        float(data.get("review_alone", math.inf)),  # type: ignore[arg-type]
        float(data.get("margin_alone", 8.0)),  # type: ignore[arg-type]
        float(data.get("link_names", 0.85)),  # type: ignore[arg-type]
        float(data.get("link_born", 0.9)),  # type: ignore[arg-type]
        float(data.get("similar_names", math.inf)),  # type: ignore[arg-type]
        float(data.get("similar_born", math.inf)),  # type: ignore[arg-type]
        float(data.get("similar_margin", math.inf)),  # type: ignore[arg-type]
        float(data.get("near_names", math.inf)),  # type: ignore[arg-type]
        float(data.get("near_born", math.inf)),  # type: ignore[arg-type]
        float(data.get("review_prior", math.inf)),  # type: ignore[arg-type]
        float(data.get("review_odds", math.inf)),  # type: ignore[arg-type]
    )


def dice(a: int, b: int) -> float:
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


def keys_level(candidate: Candidate | None) -> int:
    if candidate is None:
        return KEYS_NONE
    if candidate.agreeing & ID_KEYS:
        return KEYS_ID
    if candidate.agreeing - WEAK_KEYS:
        return KEYS_NAME
    return KEYS_WEAK


def dated(candidate: Candidate | None) -> bool:
    """A whole key with the full date of birth, or an identifier, agrees: name, year and
    district alone (an estimated birthday) may be a namesake placed nearby."""
    return candidate is not None and bool(candidate.agreeing - WEAK_KEYS - YEAR_ONLY_KEYS)


def cell(query: Encoded, child: Encoded, candidate: Candidate | None) -> tuple[int, int, int]:
    return (
        bisect_right(NAME_EDGES, dice(query.names, child.names)),
        bisect_right(BORN_EDGES, dice(query.born, child.born)),
        keys_level(candidate),
    )


@dataclass(frozen=True, slots=True)
class Scored:
    child_id: int
    weight: float
    shares_id: bool
    contradicted: bool
    strong: bool = False  # a whole non-review-only key agrees and the born filters agree
    close: bool = False  # both filters close enough to link on similarity alone
    near: bool = False  # the identifier is one typo away, and a filter close enough


def score(
    query: Encoded,
    children: Sequence[Encoded],
    first: Sequence[Candidate],
    contradicted: frozenset[int],
    table: Rule,
) -> list[Scored]:
    """Each child's weight and flags. A block of a common name and year holds hundreds of
    children on a national hub: each similarity is computed once (``cell`` and ``dice``
    would give the same figures)."""
    by_id = {c.child_id: c for c in first}
    query_names, query_born = query.names, query.born
    names_bits, born_bits = query_names.bit_count(), query_born.bit_count()
    weights, floor = table.weights, table.floor
    out: list[Scored] = []
    for child in children:
        candidate = by_id.get(child.child_id)
        level = keys_level(candidate)
        names = _dice(query_names, names_bits, child.names)
        born = _dice(query_born, born_bits, child.born)
        weight = weights.get(
            (bisect_right(NAME_EDGES, names), bisect_right(BORN_EDGES, born), level), floor
        )
        strong = dated(candidate) and names >= table.link_names and born >= table.link_born
        close = level < KEYS_NAME and names >= table.similar_names and born >= table.similar_born
        ruled_out = child.child_id in contradicted
        near = (
            candidate is not None
            and candidate.near
            and (names >= table.near_names or born >= table.near_born)
        )
        out.append(Scored(child.child_id, weight, level == KEYS_ID, ruled_out, strong, close, near))
    return out


def _dice(query: int, query_bits: int, other: int) -> float:
    """``dice(query, other)`` with the query's bit count given."""
    total = query_bits + other.bit_count()
    return 2 * (query & other).bit_count() / total if total else 0.0


def second_stage(first: Decision, scored: Sequence[Scored], table: Rule) -> Decision:
    """Link, review or none for a query the match keys did not link (rule in the docstring)."""
    if first.outcome is LINK:
        return first
    ranked = sorted(scored, key=lambda s: (-s.weight, s.child_id))
    strong = [s for s in ranked if s.strong and not s.contradicted]
    if len(strong) == 1:
        best = strong[0]
        runner_up = max((s.weight for s in ranked if s is not best), default=float("-inf"))
        if best.weight >= table.link and runner_up <= best.weight - table.margin:
            return Decision(LINK, best.child_id)
    near = [s for s in ranked if s.near and not s.contradicted]
    if len(near) == 1 and not any(s.shares_id for s in ranked):
        return Decision(LINK, near[0].child_id)
    alone = _similar(ranked, table)
    if alone is not None:
        return Decision(LINK, alone)
    if math.isfinite(table.review_odds):
        worth = _likely(ranked, table)
    else:
        worth = sorted(s.child_id for s in ranked if s.weight >= table.review or s.shares_id)
        if not worth and ranked and _alone(ranked, table):
            worth = [ranked[0].child_id]
    return Decision(REVIEW, review=tuple(worth)) if worth else Decision(None)


def _likely(ranked: Sequence[Scored], table: Rule) -> list[int]:
    """The candidates sharing an identifier, and the best ones (within ``margin`` of the first)
    if log2 of their summed 2 ** weight is at least ``review_odds`` above log2 of 2 **
    ``review_prior`` plus the rest's."""
    worth = {s.child_id for s in ranked if s.shares_id}
    if ranked:
        cut = ranked[0].weight - table.margin
        best = math.fsum(2.0**s.weight for s in ranked if s.weight >= cut)
        rest = math.fsum(2.0**s.weight for s in ranked if s.weight < cut)
        if math.log2(best) - math.log2(2.0**table.review_prior + rest) >= table.review_odds:
            worth |= {s.child_id for s in ranked if s.weight >= cut}
    return sorted(worth)


def _alone(ranked: Sequence[Scored], table: Rule) -> bool:
    """The best candidate weighs at least ``review_alone`` and every other ``margin_alone``
    less."""
    best = ranked[0].weight
    runner_up = ranked[1].weight if len(ranked) > 1 else -math.inf
    return best >= table.review_alone and runner_up <= best - table.margin_alone


def _similar(ranked: Sequence[Scored], table: Rule) -> int | None:
    """The best candidate no identifier contradicts, if its filters are close and every other
    candidate weighs at least ``similar_margin`` less."""
    best = next((s for s in ranked if not s.contradicted), None)
    if best is None or not best.close:
        return None
    if any(s.weight > best.weight - table.similar_margin for s in ranked if s is not best):
        return None
    return best.child_id
