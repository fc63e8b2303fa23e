"""The national picture for the scale benchmark: 82,620 looked-after children (England, March
2024) spread over the 153 upper-tier authorities, and ten times that.

The children are the synthetic councils' (bench.common.corpus), pseudonymised once by the real
connector, then dealt out to the 153 authority codes (the hub's ONS reference list) with refs
made unique per authority. Each further copy for the 10x load gets new refs and new match-key
tokens (a SHA-256 of the copy number and the token, so copies never match each other), built
just before it is sent, so no more than one copy's request bodies are held at once.

A copy keeps its child's second-stage blocking tokens: ten nations hold ten times as many
children of each name and year of birth, so the second stage's blocks are ten times as full,
as they would be. Its two filters are another child's of the nation (``DONOR_STRIDE`` further
on): a namesake in the block, not the child's identical twin. (Until 2026-12-02 every copy
kept its child's filters too, so a report of a child the match keys did not link met ten
identical candidates in its blocks: reviews for all ten where one child would link.)
"""

import csv
import hashlib
import json
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import corpus, wire_children
from hub import wire

NATIONAL = 82_620
DONOR_STRIDE = 7_919  # a prime: copy k of child i takes child i + k * 7,919's filters
REFERENCE = Path("hub") / "identity" / "reference" / "upper_tier_authorities.csv"
THIS_TREE = Path(wire.__file__).parents[1]


def authority_codes(*others: Path) -> list[str]:
    """This tree's councils that every tree in ``others`` (another release) can register too:
    the boundaries change (April 2023), and both releases must get the same load."""
    codes = _codes(THIS_TREE)
    for tree in others:
        codes = [c for c in codes if c in set(_codes(tree))]
    return codes


def _codes(tree: Path) -> list[str]:
    with (tree / REFERENCE).open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


@dataclass
class Nation:
    """Each authority's children as JSON-ready dicts (one copy: the national load)."""

    children: dict[str, list[dict[str, Any]]]

    @property
    def size(self) -> int:
        return sum(map(len, self.children.values()))


def nation(n_children: int = NATIONAL, codes: list[str] | None = None) -> Nation:
    """``n_children`` dealt out to ``codes`` (by default every council of this tree's list)."""
    codes = codes or authority_codes()
    records = [
        r.model_dump(mode="json", exclude_none=True)
        for council in corpus(n_children, n_councils=10).councils
        for r in wire_children(council)
    ][:n_children]
    dealt: dict[str, list[dict[str, Any]]] = {code: [] for code in codes}
    for number, record in enumerate(records):
        dealt[codes[number % len(codes)]].append({**record, "ref": f"N{number:07d}"})
    return Nation(dealt)


def _copy_token(copy: int, token: str) -> str:
    return hashlib.sha256(f"{copy}:{token}".encode()).hexdigest()[: len(token)]


def _copy(
    record: dict[str, Any], copy: int, drop: Collection[str], donor: dict[str, Any]
) -> dict[str, Any]:
    kept = {k: v for k, v in record.items() if k not in drop}
    if copy == 0:
        return kept
    keys = [{**k, "token": _copy_token(copy, k["token"])} for k in record["match_keys"]]
    copied = {**kept, "ref": f"{record['ref']}c{copy}", "match_keys": keys}
    if "similarity" in kept and "similarity" in donor:
        filters = {k: donor["similarity"][k] for k in ("names", "born")}
        copied["similarity"] = {**kept["similarity"], **filters}
    return copied


def bodies(
    data: Nation, copy: int, batch_size: int, drop: Collection[str] = ()
) -> dict[str, list[bytes]]:
    """Each authority's nightly sync of copy ``copy``: its request bodies, in order, without
    the fields ``drop`` names (those a release's connector did not send yet)."""
    everyone = [r for records in data.children.values() for r in records]
    found: dict[str, list[bytes]] = {}
    number = 0
    for code, records in data.children.items():
        copied = []
        for record in records:
            donor = everyone[(number + copy * DONOR_STRIDE) % len(everyone)]
            copied.append(_copy(record, copy, drop, donor))
            number += 1
        found[code] = [
            json.dumps({"children": copied[i : i + batch_size]}).encode()
            for i in range(0, len(copied), batch_size)
        ]
    return found


def idempotency_keys() -> Iterator[str]:
    while True:
        yield uuid.uuid4().hex
