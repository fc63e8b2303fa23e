"""Learn the second stage's weights and bands: ``python -m bench.linkage.calibrate [SIZE]``.

Training data is the hardened synthetic benchmark (homeward.synthetic.linkage.hardened) under
seeds the evaluation never uses, at 1 % and 10 % overlap. Each query goes through the hub's
own preparation and candidate search (homeward.linkage.evaluate.prepare, the first stage's
``decide``); every child it is compared with gives one (cell, true pair or not) observation.

- Weight of a cell: log2(m / u), m = share of true pairs, u = share of other pairs, both
  counted over the cell's upper region (``weights``; add-half smoothing); cells never seen get
  the lowest weight (``floor``).
- Bands: for each ``margin``, the lowest ``link`` with precision >= 0.9995 and <= 0.5 false
  links per 1,000 non-matching reports on both training sets (found by bisection); the margin
  with the most correct links wins; then ``review`` the lowest weight with <= 3 review flags
  per 1,000 non-matching reports on both sets. Both are stricter than the issue's targets, to
  leave room for data the rule has not seen.
- Similarity alone (``similar_names``, ``similar_born``, ``similar_margin``): on the grid
  ``SIMILAR_GRID``, the setting with the most correct links among those meeting the same
  precision goal *with every one-step looser neighbour meeting it too*: the edge of the safe
  region on the training seeds is where unseen data first goes wrong.
- Review by likelihood (``review_prior``, ``review_odds``; ``review_band``; the best candidates
  within ``margin`` reviewed together): on the grid ``REVIEW_GRID``, the setting that finds the
  most true pairs with review among those flagging at most ``REVIEW_BUDGET`` non-matching
  reports per 1,000 on each training set (the issue's limit is 5; the rest is room for unseen
  data). ``--review`` re-chooses only these two values, keeping the shipped weights and bands.

Writes hub/linking/weights_v1.json (normative: the hub's rule reads it).
"""

import json
import math
import sys
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, replace
from itertools import product
from pathlib import Path

from homeward.linkage import evaluate
from homeward.linkage.records import Person
from homeward.synthetic import linkage as synth
from hub.linking.decide import LINK, Candidate, Decision, contradicted, decide
from hub.linking.similarity import (
    BORN_EDGES,
    KEYS_ID,
    KEYS_NAME,
    NAME_EDGES,
    Rule,
    Scored,
    cell,
    dated,
    dice,
    rule_from,
    second_stage,
)

OUT = Path(__file__).resolve().parents[2] / "hub" / "linking" / "weights_v1.json"
TRAINING_SEEDS = {0.01: 101, 0.10: 102}
SIMILAR_GRID = (
    (0.8, 0.82, 0.85, 0.88, 0.9, 0.95),  # least names Dice
    # least born Dice. From 0.7: an age and district against a full date share 6 of 10 tokens
    # (0.75); the same year and sex without the district, both estimated, 4 of 6 (0.67)
    (0.68, 0.7, 0.72, 0.75, 0.8),
    (6.0, 7.0, 8.0, 10.0, 12.0),  # margin below the best
)
REVIEW_GRID = (
    (3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5),  # review_prior: "none of them"
    (1.0, 1.5, 2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75, 4.0, 4.25, 4.5, 4.75),  # log2 odds
)
# Review flags per 1,000 non-matching reports the review band may spend on each training set:
# the issue allows 5; unseen seeds flagged up to about 1.4 more than the training seeds under the
# same band (bench/RESULTS.md, linkage round 2), so 3.5 here leaves that much room
REVIEW_BUDGET = 3.5
# A lone candidate's review band, chosen on the training seeds (20,000 + 20,000) as the lowest
# weight and widest margin keeping review flags <= 3 per 1,000 non-matching reports there
REVIEW_ALONE, MARGIN_ALONE = 8.5, 8.0


@dataclass(frozen=True, slots=True)
class Observed:
    first: Decision
    cells: list[tuple[int, tuple[int, int, int], bool, float, float, bool]]
    # child, cell, contradicted, names Dice, born Dice, a dated key agrees
    partners: frozenset[int]  # left-hand ids of the query's true partners


def observe(size: int, overlap: float) -> list[Observed]:
    bench = synth.generate(synth.hardened(size, size, overlap, seed=TRAINING_SEEDS[overlap]))
    left = [Person(**r) for r in bench.left]
    right = [Person(**r) for r in bench.right]
    position = {p.id: i for i, p in enumerate(left)}
    partners: dict[str, set[int]] = {}
    for a, b in bench.truth:
        partners.setdefault(b, set()).add(position[a])
    index, queries = evaluate.prepare(left, right)
    out: list[Observed] = []
    for person, query in zip(right, queries, strict=True):
        found = index.candidates(query.digests, exclude_authority=evaluate.RIGHT)
        types = frozenset(t for t, _ in query.digests)
        first = decide(found, types)
        assert query.encoded is not None
        children = index.similar(
            query.blocks, [c.child_id for c in found], exclude_authority=evaluate.RIGHT
        )
        by_id = {c.child_id: c for c in found}
        every = [
            by_id.get(e.child_id) or Candidate(e.child_id, frozenset(), e.held) for e in children
        ]
        ruled_out = contradicted(every, types)
        cells = [
            (
                e.child_id,
                cell(query.encoded, e, by_id.get(e.child_id)),
                e.child_id in ruled_out,
                dice(query.encoded.names, e.names),
                dice(query.encoded.born, e.born),
                dated(by_id.get(e.child_id)),
            )
            for e in children
        ]
        out.append(Observed(first, cells, frozenset(partners.get(person.id, ()))))
    return out


def weights(observed: Sequence[Observed]) -> dict[tuple[int, int, int], float]:
    """log2(m / u) over the cell's *upper region*: every cell at least as good on both bands,
    with the same match-key level. Pooling this way keeps sparse cells (a few true pairs and no
    false one by chance) from getting weights the data cannot support, and makes the weight
    grow with both similarities."""
    m: Counter[tuple[int, int, int]] = Counter()
    u: Counter[tuple[int, int, int]] = Counter()
    for o in observed:
        for child, c, *_ in o.cells:
            (m if child in o.partners else u)[c] += 1
    m_total, u_total = sum(m.values()), sum(u.values())
    out: dict[tuple[int, int, int], float] = {}
    for n in range(len(NAME_EDGES) + 1):
        for b in range(len(BORN_EDGES) + 1):
            for k in range(4):
                upper = [
                    (n2, b2, k)
                    for n2 in range(n, len(NAME_EDGES) + 1)
                    for b2 in range(b, len(BORN_EDGES) + 1)
                ]
                mu, uu = sum(m[c] for c in upper), sum(u[c] for c in upper)
                if mu + uu:
                    out[(n, b, k)] = math.log2(((mu + 0.5) / m_total) / ((uu + 0.5) / u_total))
    return out


@dataclass(frozen=True, slots=True)
class Tally:
    correct: int
    wrong: int  # links to a child that is not a partner
    false_alarms: int  # non-matching queries linked
    reviewed_non_matching: int
    non_matching: int
    found_with_review: int
    pairs: int


def tally(observed: Sequence[Observed], table: Rule) -> Tally:
    correct = wrong = alarms = reviewed = non = found = pairs = 0
    for o in observed:
        scored = [
            Scored(
                child,
                table.weights.get(c, table.floor),
                c[2] == KEYS_ID,
                ruled,
                has_date and names >= table.link_names and born >= table.link_born,
                c[2] < KEYS_NAME and names >= table.similar_names and born >= table.similar_born,
            )
            for child, c, ruled, names, born, has_date in o.cells
        ]
        d = second_stage(o.first, scored, table)
        linked = {d.child_id} if d.outcome is LINK and d.child_id is not None else set()
        correct += len(linked & o.partners)
        wrong += len(linked - o.partners)
        pairs += len(o.partners)
        found += len((linked | set(d.review)) & o.partners)
        if not o.partners:
            non += 1
            alarms += bool(linked)
            reviewed += bool(d.review)
    return Tally(correct, wrong, alarms, reviewed, non, found, pairs)


def bands(weights_: dict[tuple[int, int, int], float], sets: list[list[Observed]]) -> Rule:
    floor = min(weights_.values())
    grid = sorted({round(w, 1) for w in weights_.values()})
    best: tuple[int, float, float] | None = None
    for margin in (2.0, 4.0, 6.0, 8.0):
        at = _lowest(
            _strong_grid(weights_),
            lambda link, m=margin: _precise(
                tally(sets[0], Rule(weights_, link, math.inf, m, floor))
            ),
        )
        if at is not None:
            correct = tally(sets[0], Rule(weights_, at, math.inf, margin, floor)).correct
            if best is None or correct > best[0]:
                best = (correct, at, margin)
    assert best is not None, "no link band meets the precision goal"
    _, link, margin = best

    def quiet(review: float) -> bool:
        table = Rule(weights_, link, review, margin, floor)
        return all(1000 * tally(s, table).reviewed_non_matching / s_non(s) <= 3 for s in sets)

    review = _lowest(grid, quiet)
    return Rule(
        weights_,
        link,
        math.inf if review is None else review,
        margin,
        floor,
        REVIEW_ALONE,
        MARGIN_ALONE,
    )


def _strong_grid(weights_: dict[tuple[int, int, int], float]) -> list[float]:
    """The weights of the cells a strong candidate can fall in (whole key, filters at least
    ``link_names`` and ``link_born``, both band edges): ``link`` is looked for among them,
    and just above the highest weight (no strong link at all) when none of them is precise."""
    shipped = Rule({}, 0.0, 0.0, 0.0, 0.0)
    names = bisect_left(NAME_EDGES, shipped.link_names) + 1
    born = bisect_left(BORN_EDGES, shipped.link_born) + 1
    strong = {
        round(w, 1)
        for (n, b, k), w in weights_.items()
        if n >= names and b >= born and k >= KEYS_NAME
    }
    return sorted(strong | {round(max(weights_.values()) + 0.1, 1)})


def similar_band(table: Rule, sets: list[list[Observed]]) -> Rule:
    """``table`` with the similarity-alone band of the module docstring (unchanged if none)."""
    names, borns, margins = SIMILAR_GRID
    results: dict[tuple[int, int, int], list[Tally]] = {}
    split = [_split(s, names[0], borns[0]) for s in sets]
    fixed = [tally(rest, table) for _, rest in split]
    for i, j, k in product(range(len(names)), range(len(borns)), range(len(margins))):
        band = replace(table, similar_names=names[i], similar_born=borns[j])
        band = replace(band, similar_margin=margins[k])
        results[i, j, k] = [
            _plus(tally(near, band), f) for (near, _), f in zip(split, fixed, strict=True)
        ]

    def precise(at: tuple[int, int, int]) -> bool:  # off the grid: not known to be safe
        return at in results and all(_precise(t) for t in results[at])

    safe = [
        (sum(t.correct for t in results[i, j, k]), i, j, k)
        for i, j, k in results
        if all(precise(at) for at in ((i, j, k), (i - 1, j, k), (i, j - 1, k), (i, j, k + 1)))
    ]
    if not safe:
        return table
    _, i, j, k = max(safe)
    band = replace(table, similar_names=names[i], similar_born=borns[j])
    return replace(band, similar_margin=margins[k])


def review_band(table: Rule, sets: list[list[Observed]], per_1000: float = REVIEW_BUDGET) -> Rule:
    """``table`` with the review band of ``REVIEW_GRID`` that finds the most true pairs without
    more than ``per_1000`` review flags per 1,000 non-matching reports on any training set
    (module docstring)."""
    budget = [math.floor(per_1000 * s_non(s) / 1000) for s in sets]
    best: tuple[int, float, float] | None = None
    for prior, odds in product(*REVIEW_GRID):
        tallies = [tally(s, replace(table, review_prior=prior, review_odds=odds)) for s in sets]
        if all(t.reviewed_non_matching <= b for t, b in zip(tallies, budget, strict=True)):
            found = sum(t.found_with_review for t in tallies)
            if best is None or found > best[0]:
                best = (found, prior, odds)
    if best is None:
        return table
    return replace(table, review_prior=best[1], review_odds=best[2])


def _split(
    observed: list[Observed], names: float, born: float
) -> tuple[list[Observed], list[Observed]]:
    """The queries with a candidate this close on both filters, and the rest."""
    near = [o for o in observed if any(c[3] >= names and c[4] >= born for c in o.cells)]
    ids = {id(o) for o in near}
    return near, [o for o in observed if id(o) not in ids]


def _plus(a: Tally, b: Tally) -> Tally:
    return Tally(*(x + y for x, y in zip(astuple(a), astuple(b), strict=True)))


def _precise(t: Tally) -> bool:
    links = t.correct + t.wrong
    return not links or (
        t.wrong / links <= 0.0005 and 1000 * t.false_alarms / t.non_matching <= 0.5
    )


def _lowest(grid: list[float], ok: Callable[[float], bool]) -> float | None:
    """The lowest grid value that is ``ok``, by bisection (``ok`` holds from some value up)."""
    low, high = 0, len(grid)
    while low < high:
        mid = (low + high) // 2
        if ok(grid[mid]):
            high = mid
        else:
            low = mid + 1
    return grid[low] if low < len(grid) else None


def s_non(observed: Sequence[Observed]) -> int:
    return sum(not o.partners for o in observed) or 1


def main(size: int, *, review_only: bool = False) -> None:
    sets = [observe(size, overlap) for overlap in (0.01, 0.10)]
    shipped = rule_from(json.loads(OUT.read_text(encoding="utf-8")))
    if review_only:
        table = review_band(shipped, sets)
    else:
        table = similar_band(bands(weights([o for s in sets for o in s]), sets), sets)
        table = review_band(table, sets)
        # set by hand, not learned
        table = replace(table, near_names=shipped.near_names, near_born=shipped.near_born)
    _write(table, size)
    for overlap, s in zip((0.01, 0.10), sets, strict=True):
        print(overlap, tally(s, table))
    print(f"link {table.link} margin {table.margin} review {table.review} -> {OUT}")
    print(f"similar {table.similar_names} {table.similar_born} {table.similar_margin}")
    print(f"review band: prior {table.review_prior} odds {table.review_odds}")


def _write(table: Rule, size: int) -> None:
    OUT.write_text(
        json.dumps(
            {
                "about": "hub.linking.similarity weights, made by bench.linkage.calibrate",
                "training": f"hardened synthetic, {size} + {size}, seeds {TRAINING_SEEDS}",
                "link": table.link,
                "review": table.review,
                "margin": table.margin,
                "review_alone": table.review_alone,
                "margin_alone": table.margin_alone,
                "link_names": table.link_names,
                "link_born": table.link_born,
                "similar_names": table.similar_names,
                "similar_born": table.similar_born,
                "similar_margin": table.similar_margin,
                "near_names": table.near_names,  # not calibrated: no near identifiers here
                "near_born": table.near_born,
                "review_prior": table.review_prior,
                "review_odds": table.review_odds,
                "review_budget": REVIEW_BUDGET,  # review flags per 1,000, each training set
                "floor": round(table.floor, 3),
                "weights": {
                    ",".join(map(str, c)): round(w, 3) for c, w in sorted(table.weights.items())
                },
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(numbers[0]) if numbers else 50_000, review_only="--review" in sys.argv[1:])
