"""``homeward linkage evaluate``: link two files as the hub would, then score against the truth.

Left: the responsible authority's looked-after children (the hub's children). Right: another
authority's records (the hub's episodes, the queries). Both sides are pseudonymised under one
fresh shared secret, as two councils would; the hub re-keys every token under a fresh hub key
and links each right-hand record on its own through the hub's own ``MemoryCandidateIndex`` and
``hub.linking.decide``.
The truth is read only by ``score``, after every decision has been made.
"""

import csv
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from connectors.similarity import BLOCK_TYPE
from homeward.linkage.records import (
    UK_SCHEMES,
    Person,
    Schemes,
    encodings,
    identity,
    near_tokens,
    tokens,
)
from hub.linking.candidates import BLOCKING, Blocking, Digests, MemoryCandidateIndex
from hub.linking.search import identify
from hub.linking.similarity import Encoded, Rule
from keys import HubKey, MatchKeyDeriver, SharedKeyring, Token
from policies import Identification

LEFT, RIGHT = "LEFT", "RIGHT"  # the two authorities: the left side's children, right's reports


@dataclass(frozen=True, slots=True)
class LinkDecision:
    left_id: str
    right_id: str
    decision: Literal["link", "review"]


@dataclass(frozen=True, slots=True)
class Linkage:
    decisions: list[LinkDecision]
    seconds: float  # pseudonymise both sides, re-key, index and decide
    records: int


@dataclass(frozen=True, slots=True)
class Report:
    left_records: int
    right_records: int
    true_pairs: int
    links: int
    correct_links: int
    precision: float
    recall: float
    f1: float
    non_matching_right: int
    false_alarms: int
    false_alarms_per_1000: float
    review_queue: int  # right-hand records whose decision is review
    review_pairs: int
    review_false_alarms_per_1000: float
    recall_with_review: float
    id_pairs: int  # true pairs whose two records carry the same NHS number or UPN
    recall_id_pairs: float
    recall_other_pairs: float
    seconds: float
    records_per_second: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Query:
    """A right-hand record as the hub receives it: re-keyed digests, encoding, blocks."""

    digests: Digests
    encoded: Encoded | None
    blocks: list[bytes]


def prepare(
    left: Sequence[Person],
    right: Sequence[Person],
    schemes: Schemes = UK_SCHEMES,
    *,
    second_stage: bool = True,
    blocking: Blocking = BLOCKING,
) -> tuple[MemoryCandidateIndex, list[Query]]:
    """Both sides pseudonymised under a fresh shared secret and re-keyed under a fresh hub key:
    the left side in the hub's candidate index, the right side as queries."""
    deriver = SharedKeyring.generate().deriver()
    hub_key, epoch = HubKey.generate(), deriver.epoch
    index = MemoryCandidateIndex(blocking)
    left_codes = encodings(left, deriver, schemes) if second_stage else None
    left_keys = _with_near(tokens(left, deriver, schemes), left, deriver, schemes, second_stage)
    for child_id, child in enumerate(left_keys):
        encoded = None
        if left_codes is not None:
            code = left_codes[child_id]
            encoded = (code.names, code.born, rekey_blocks(hub_key, epoch, code.blocks))
        index.add(child_id, LEFT, rekey(hub_key, epoch, child), encoded)
    right_keys = _with_near(tokens(right, deriver, schemes), right, deriver, schemes, second_stage)
    queries = [Query(rekey(hub_key, epoch, q), None, []) for q in right_keys]
    if second_stage:
        for n, code in enumerate(encodings(right, deriver, schemes)):
            query = Encoded(-1, int.from_bytes(code.names), int.from_bytes(code.born))
            queries[n] = Query(queries[n].digests, query, rekey_blocks(hub_key, epoch, code.blocks))
    return index, queries


def _with_near(
    keys: list[list[tuple[str, str]]],
    people: Sequence[Person],
    deriver: MatchKeyDeriver,
    schemes: Schemes,
    second_stage: bool,
) -> list[list[tuple[str, str]]]:
    """Match-key tokens and, with the second stage, identifier neighbourhood tokens: the hub
    stores both as token rows (hub/records/encodings.py)."""
    if not second_stage:
        return keys
    return [k + n for k, n in zip(keys, near_tokens(people, deriver, schemes), strict=True)]


def link(
    left: Sequence[Person],
    right: Sequence[Person],
    schemes: Schemes = UK_SCHEMES,
    *,
    second_stage: bool = True,
    table: Rule | None = None,
    blocking: Blocking = BLOCKING,
) -> Linkage:
    """Every link and review decision for the right-hand records, as the hub makes them: the
    hub's re-keying, its candidate search (in memory) and its decision rule (both stages, or
    the match keys alone with ``second_stage=False``); ``blocking`` as the hub's unless a
    smaller ``crowded`` stands in for a larger hub."""
    started = time.perf_counter()
    index, queries = prepare(left, right, schemes, second_stage=second_stage, blocking=blocking)
    decisions: list[LinkDecision] = []
    for person, query in zip(right, queries, strict=True):
        decision = identify(
            index,
            query.digests,
            exclude_authority=RIGHT,
            query=query.encoded,
            blocks=query.blocks,
            table=table,
        )
        if decision.outcome is Identification.LINKED and decision.child_id is not None:
            decisions.append(LinkDecision(left[decision.child_id].id, person.id, "link"))
        decisions.extend(LinkDecision(left[c].id, person.id, "review") for c in decision.review)
    return Linkage(decisions, time.perf_counter() - started, len(left) + len(right))


def rekey_blocks(hub_key: HubKey, epoch: int, blocks: Iterable[str]) -> list[bytes]:
    """What the hub's ingest stores for a record's blocking tokens."""
    return [hub_key.rekey(Token(BLOCK_TYPE, epoch, b)) for b in blocks]


def rekey(hub_key: HubKey, epoch: int, tokens: Iterable[tuple[str, str]]) -> Digests:
    """What the hub's ingest stores for a record's match keys (duplicates dropped)."""
    return sorted({(t, hub_key.rekey(Token(t, epoch, v))) for t, v in tokens})


def id_pairs(
    left: Sequence[Person],
    right: Sequence[Person],
    truth: Iterable[tuple[str, str]],
    schemes: Schemes = UK_SCHEMES,
) -> set[tuple[str, str]]:
    """True pairs whose two records carry the same (valid) NHS number or UPN."""
    by_left = {p.id: identity(p, schemes) for p in left}
    by_right = {p.id: identity(p, schemes) for p in right}
    found: set[tuple[str, str]] = set()
    for pair in truth:
        a, b = by_left.get(pair[0]), by_right.get(pair[1])
        if (
            a
            and b
            and ((a.nhs_number and a.nhs_number == b.nhs_number) or (a.upn and a.upn == b.upn))
        ):
            found.add(pair)
    return found


def score(
    linkage: Linkage,
    left_count: int,
    right_ids: Sequence[str],
    truth: set[tuple[str, str]],
    with_ids: set[tuple[str, str]],
) -> Report:
    links = {(d.left_id, d.right_id) for d in linkage.decisions if d.decision == "link"}
    reviews = {(d.left_id, d.right_id) for d in linkage.decisions if d.decision == "review"}
    correct = links & truth
    precision = len(correct) / len(links) if links else 1.0
    recall = len(correct) / len(truth) if truth else 1.0
    matched_right = {r for _, r in truth}
    non_matching = [r for r in right_ids if r not in matched_right]
    linked_right = {r for _, r in links}
    reviewed_right = {r for _, r in reviews}
    others = truth - with_ids
    return Report(
        left_records=left_count,
        right_records=len(right_ids),
        true_pairs=len(truth),
        links=len(links),
        correct_links=len(correct),
        precision=precision,
        recall=recall,
        f1=2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        non_matching_right=len(non_matching),
        false_alarms=sum(r in linked_right for r in non_matching),
        false_alarms_per_1000=_per_1000(
            sum(r in linked_right for r in non_matching), len(non_matching)
        ),
        review_queue=len(reviewed_right),
        review_pairs=len(reviews),
        review_false_alarms_per_1000=_per_1000(
            sum(r in reviewed_right for r in non_matching), len(non_matching)
        ),
        recall_with_review=_share(truth, links | reviews),
        id_pairs=len(with_ids),
        recall_id_pairs=_share(with_ids, links),
        recall_other_pairs=_share(others, links),
        seconds=linkage.seconds,
        records_per_second=linkage.records / linkage.seconds if linkage.seconds else 0.0,
    )


def _per_1000(count: int, total: int) -> float:
    return 1000 * count / total if total else 0.0


def _share(pairs: set[tuple[str, str]], found: set[tuple[str, str]]) -> float:
    return len(pairs & found) / len(pairs) if pairs else 1.0


def write_links(path: Path, decisions: Iterable[LinkDecision]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("left_id", "right_id", "decision"))
        writer.writerows((d.left_id, d.right_id, d.decision) for d in decisions)


def format_report(report: Report) -> str:
    r = report
    rows = [
        ("records (left / right)", f"{r.left_records} / {r.right_records}"),
        ("true pairs (with same NHS number or UPN)", f"{r.true_pairs} ({r.id_pairs})"),
        ("automatic links (correct)", f"{r.links} ({r.correct_links})"),
        ("precision", f"{r.precision:.4f}"),
        ("recall", f"{r.recall:.4f}"),
        ("F1", f"{r.f1:.4f}"),
        ("recall, pairs with same NHS number or UPN", f"{r.recall_id_pairs:.4f}"),
        ("recall, other pairs", f"{r.recall_other_pairs:.4f}"),
        ("recall including review queue", f"{r.recall_with_review:.4f}"),
        (
            "false alarms per 1,000 non-matching right records",
            f"{r.false_alarms_per_1000:.3f} ({r.false_alarms} of {r.non_matching_right})",
        ),
        ("review queue (right records / pairs)", f"{r.review_queue} / {r.review_pairs}"),
        ("reviews per 1,000 non-matching right records", f"{r.review_false_alarms_per_1000:.3f}"),
        ("records/s (pseudonymise both sides + link)", f"{r.records_per_second:,.0f}"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
