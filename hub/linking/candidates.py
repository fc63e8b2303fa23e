"""The candidate search: which children of other authorities share a token with an episode.

``CandidateIndex`` is the seam. ``SqlCandidateIndex`` reads the hub's ``MatchToken`` rows (and
``SimilarityEncoding`` rows for the second stage, found through ``sim_block`` tokens);
``MemoryCandidateIndex`` holds the same thing in a dict, for ``homeward linkage evaluate`` and
tests. One contract test runs the same cases through both (tests/functional/
test_candidate_index.py), so accuracy measured in memory is the hub's accuracy.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Protocol

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    func,
    null,
    or_,
    union,
)
from sqlmodel import Session, SQLModel, select

from hub.linking.decide import ID_KEYS, ID_NEAR, Candidate
from hub.linking.similarity import Encoded
from hub.records.encodings import BLOCK_TYPE
from hub.records.models import IDENTIFIER_TOKENS
from hub.records.service import CHILD

_TOKENS = SQLModel.metadata.tables["matchtoken"]
_ENCODED = SQLModel.metadata.tables["similarityencoding"]
_CHILDREN = SQLModel.metadata.tables["child"]

Members = Select[tuple[int]] | CompoundSelect[tuple[int]]  # child ids, as a statement
Digests = Sequence[tuple[str, bytes]]  # (key type, re-keyed digest)


@dataclass(frozen=True, slots=True)
class Blocking:
    """Which children sharing a report's blocking digests it is compared with (docs/matchkeys.md
    §8.2): with ``crowded`` None (the hub's default), all of them; with a number, those sharing
    at least ``shared`` of the digests, or one held by at most ``crowded`` children (of every
    authority). One Soundex code with the same year of birth is two shared blocks (the year
    and the next), so three asks for more than a common name in the same year.

    Off by default: measured at national scale, the review band's odds count every compared
    child, and leaving the crowd of weak namesakes uncompared multiplied the review flags on
    non-matching reports (3.3 to 11.7-33.6 per 1,000; bench/RESULTS.md, "Crowded blocks")."""

    shared: int = 3
    crowded: int | None = None

    def admits(self, shared: int, smallest: int) -> bool:
        """Whether a child sharing ``shared`` blocks, the smallest of ``smallest`` children,
        is a candidate."""
        return self.crowded is None or shared >= self.shared or smallest <= self.crowded


BLOCKING = Blocking()


class CandidateIndex(Protocol):
    def candidates(self, digests: Digests, *, exclude_authority: str) -> list[Candidate]:
        """Children, not of ``exclude_authority``, holding any of ``digests``; sorted by id."""
        ...

    def similar(
        self,
        blocks: Sequence[bytes],
        also: Iterable[int],
        *,
        exclude_authority: str,
        identifiers: Collection[str] = ID_KEYS,
    ) -> list[Encoded]:
        """Second-stage encodings of the children, not of ``exclude_authority``, that the index's
        ``Blocking`` admits among those sharing a blocking digest, and of the children ``also``
        (first-stage candidates); by id. Their ``held`` names which of ``identifiers``
        (identifier key types: all the second stage reads of a child's holdings) they hold."""
        ...


def _candidates(
    hits: Iterable[tuple[int, str]], held: dict[int, set[str]] | dict[int, frozenset[str]]
) -> list[Candidate]:
    agreeing: dict[int, set[str]] = defaultdict(set)
    for child_id, key_type in hits:
        agreeing[child_id].add(key_type)
    return [
        Candidate(
            child_id, frozenset(types - {ID_NEAR}), frozenset(held[child_id]), ID_NEAR in types
        )
        for child_id, types in sorted(agreeing.items())
    ]


class SqlCandidateIndex:
    """Candidates from the ``MatchToken`` table, in the caller's session."""

    def __init__(self, session: Session, blocking: Blocking = BLOCKING) -> None:
        self.session = session
        self.blocking = blocking

    def candidates(self, digests: Digests, *, exclude_authority: str) -> list[Candidate]:
        wanted = sorted({digest for _, digest in digests})
        if not wanted:
            return []
        held: dict[int, set[str]] = defaultdict(set)
        hits: list[tuple[int, str]] = []
        asked = {"wanted": wanted, "exclude": exclude_authority}
        for owner_id, key_type, agrees in self.session.execute(_CANDIDATES, asked):
            held[owner_id].add(key_type)
            if agrees:
                hits.append((owner_id, key_type))
        return _candidates(hits, held)

    def similar(
        self,
        blocks: Sequence[bytes],
        also: Iterable[int],
        *,
        exclude_authority: str,
        identifiers: Collection[str] = ID_KEYS,
    ) -> list[Encoded]:
        # A block of a common name and year holds hundreds of children on a national hub, and
        # grows with it: their ids stay in the database (a sub-select, not a bound list), and
        # one statement brings back their two filters and the identifiers asked about, read
        # from indexes where it can (migration 0016), as plain rows.
        listed = sorted(set(also))
        if not blocks and not listed:
            return []
        kinds = tuple(sorted(set(identifiers) & ID_KEYS))
        bounded = self.blocking.crowded is not None
        query = _similar_query(bool(blocks), bool(listed), kinds, bounded)
        asked = {"blocks": sorted(set(blocks)), "also": listed, "exclude": exclude_authority}
        if bounded:
            asked |= {"shared": self.blocking.shared, "crowded": self.blocking.crowded}
        found: dict[int, tuple[bytes, bytes, set[str]]] = {}
        for child_id, names, born, key_type in self.session.execute(query, asked):
            held = found.setdefault(child_id, (names, born, set()))[2]
            if key_type is not None:
                held.add(key_type)
        return [
            Encoded(child_id, _int(names), _int(born), frozenset(held))
            for child_id, (names, born, held) in sorted(found.items())
        ]


# The search's statements are built once (hub/db/__init__.py), bound ``wanted``, ``blocks``,
# ``also`` (expanding lists) and ``exclude`` (the authority left out).


def _candidates_query() -> Select[tuple[int, str, bool]]:
    """Every match token of each child holding a sought digest, and whether it is one sought:
    one statement."""
    tokens = _TOKENS.c
    wanted: BindParameter[bytes] = bindparam("wanted", expanding=True)
    hit = select(tokens.owner_id).where(
        tokens.digest.in_(wanted),
        tokens.owner_kind == CHILD,
        tokens.key_type != BLOCK_TYPE,
        tokens.authority != bindparam("exclude"),
    )
    return select(tokens.owner_id, tokens.key_type, tokens.digest.in_(wanted)).where(
        tokens.owner_kind == CHILD,
        tokens.key_type != BLOCK_TYPE,
        tokens.owner_id.in_(hit),
    )


_CANDIDATES = _candidates_query()


def _blocked(blocks: bool, also: bool, bounded: bool) -> Members:
    """The children sharing a blocking digest (``bounded``: those ``Blocking`` admits), and
    those ``also`` names: a statement."""
    members = _admitted() if bounded else _sharing()
    listed = select(_CHILDREN.c.id).where(_CHILDREN.c.id.in_(bindparam("also", expanding=True)))
    if blocks and also:
        return union(members, listed)
    return members if blocks else listed


def _in_blocks() -> ColumnElement[bool]:
    """Children's blocking tokens with one of the ``blocks`` digests."""
    tokens = _TOKENS.c
    return and_(
        tokens.digest.in_(bindparam("blocks", expanding=True)),
        tokens.owner_kind == CHILD,
        tokens.key_type == BLOCK_TYPE,
    )


def _sharing() -> Select[tuple[int]]:
    return select(_TOKENS.c.owner_id).where(
        _in_blocks(), _TOKENS.c.authority != bindparam("exclude")
    )


def _admitted() -> Select[tuple[int]]:
    """The children sharing ``shared`` of the blocks or one of at most ``crowded`` children:
    every holder of the blocks with its block's size (a window count by digest, from the
    digest index), grouped by child."""
    tokens = _TOKENS.c
    holders = (
        select(
            tokens.owner_id,
            tokens.authority,
            func.count().over(partition_by=tokens.digest).label("size"),
        )
        .where(_in_blocks())
        .subquery("holders")
    )
    enough = or_(
        func.count() >= bindparam("shared"), func.min(holders.c.size) <= bindparam("crowded")
    )
    return (
        select(holders.c.owner_id)
        .where(holders.c.authority != bindparam("exclude"))
        .group_by(holders.c.owner_id)
        .having(enough)
    )


@cache
def _similar_query(
    blocks: bool, also: bool, identifiers: tuple[str, ...], bounded: bool
) -> Select[tuple[int, bytes, bytes, str | None]]:
    return _encodings(_blocked(blocks, also, bounded), identifiers)


def _encodings(
    children: Members, identifiers: Sequence[str]
) -> Select[tuple[int, bytes, bytes, str | None]]:
    """The filters of ``children`` not of the ``exclude`` authority, a row for each of the
    ``identifiers`` a child holds (the partial index of identifier tokens), or one with none."""
    encoded = _ENCODED.c
    columns = (encoded.owner_id, encoded.names, encoded.born)
    if not identifiers:
        query = select(*columns, null().label("key_type"))
    else:
        holds = and_(
            _TOKENS.c.owner_kind == CHILD,
            _TOKENS.c.owner_id == encoded.owner_id,
            IDENTIFIER_TOKENS,
            _TOKENS.c.key_type.in_(identifiers),
        )
        query = select(*columns, _TOKENS.c.key_type).select_from(_ENCODED.outerjoin(_TOKENS, holds))
    return query.where(
        encoded.owner_kind == CHILD,
        encoded.authority != bindparam("exclude"),
        encoded.owner_id.in_(children),
    )


class MemoryCandidateIndex:
    """The same look-up over a dict from digest to children."""

    def __init__(self, blocking: Blocking = BLOCKING) -> None:
        self.blocking = blocking
        self._holders: dict[bytes, list[int]] = defaultdict(list)
        self._held: dict[int, frozenset[str]] = {}
        self._authority: dict[int, str] = {}
        self._blocked: dict[bytes, list[int]] = defaultdict(list)
        self._encoded: dict[int, Encoded] = {}

    def add(
        self,
        child_id: int,
        authority: str,
        digests: Digests,
        encoding: tuple[bytes, bytes, Sequence[bytes]] | None = None,
    ) -> None:
        """A child's match-key digests and, if sent, its second-stage encoding (names filter,
        born filter, re-keyed blocking digests)."""
        self._held[child_id] = frozenset(t for t, _ in digests)
        self._authority[child_id] = authority
        for _, digest in set(digests):
            self._holders[digest].append(child_id)
        if encoding is not None:
            names, born, blocks = encoding
            self._encoded[child_id] = Encoded(
                child_id, _int(names), _int(born), self._held[child_id] & ID_KEYS
            )
            for block in set(blocks):
                self._blocked[block].append(child_id)

    def similar(
        self,
        blocks: Sequence[bytes],
        also: Iterable[int],
        *,
        exclude_authority: str,
        identifiers: Collection[str] = ID_KEYS,
    ) -> list[Encoded]:
        if self.blocking.crowded is None:  # every sharer (the default): no counting needed
            found = {c for block in blocks for c in self._blocked.get(block, ())} | set(also)
            return self._filters_of(found, exclude_authority, identifiers)
        shared: Counter[int] = Counter()
        smallest: dict[int, int] = {}
        for block in set(blocks):
            holders = self._blocked.get(block, [])
            for c in holders:
                shared[c] += 1
                smallest[c] = min(smallest.get(c, len(holders)), len(holders))
        admits = self.blocking.admits
        found = {c for c, n in shared.items() if admits(n, smallest[c])} | set(also)
        return self._filters_of(found, exclude_authority, identifiers)

    def _filters_of(
        self, children: set[int], exclude_authority: str, identifiers: Collection[str]
    ) -> list[Encoded]:
        types = frozenset(identifiers)
        return [
            replace(self._encoded[c], held=self._encoded[c].held & types)
            for c in sorted(children)
            if c in self._encoded and self._authority[c] != exclude_authority
        ]

    def candidates(self, digests: Digests, *, exclude_authority: str) -> list[Candidate]:
        hits = [
            (child_id, key_type)
            for key_type, digest in digests
            for child_id in self._holders.get(digest, ())
            if self._authority[child_id] != exclude_authority
        ]
        return _candidates(hits, self._held)


def _int(filter_bytes: bytes) -> int:
    return int.from_bytes(filter_bytes, "big")
