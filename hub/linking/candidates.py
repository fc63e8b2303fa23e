"""The candidate search: which children of other authorities share a token with an episode.

``CandidateIndex`` is the seam. ``SqlCandidateIndex`` reads the hub's ``MatchToken`` rows (and
``SimilarityEncoding`` rows for the second stage, found through ``sim_block`` tokens);
``MemoryCandidateIndex`` holds the same thing in a dict, for ``homeward linkage evaluate`` and
tests. One contract test runs the same cases through both (tests/functional/
test_candidate_index.py), so accuracy measured in memory is the hub's accuracy.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlmodel import Session, col, select

from hub.linking.decide import ID_NEAR, Candidate
from hub.linking.similarity import Encoded
from hub.records.encodings import BLOCK_TYPE
from hub.records.models import MatchToken, SimilarityEncoding
from hub.records.service import CHILD

Digests = Sequence[tuple[str, bytes]]  # (key type, re-keyed digest)


class CandidateIndex(Protocol):
    def candidates(self, digests: Digests, *, exclude_authority: str) -> list[Candidate]:
        """Children, not of ``exclude_authority``, holding any of ``digests``; sorted by id."""
        ...

    def similar(
        self, blocks: Sequence[bytes], also: Iterable[int], *, exclude_authority: str
    ) -> list[Encoded]:
        """Second-stage encodings of the children, not of ``exclude_authority``, sharing a
        blocking digest, and of the children ``also`` (first-stage candidates); by id."""
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

    def __init__(self, session: Session) -> None:
        self.session = session

    def candidates(self, digests: Digests, *, exclude_authority: str) -> list[Candidate]:
        wanted = sorted({digest for _, digest in digests})
        if not wanted:
            return []
        hits = list(
            self.session.exec(
                select(MatchToken.owner_id, MatchToken.key_type).where(
                    col(MatchToken.digest).in_(wanted),
                    MatchToken.owner_kind == CHILD,
                    MatchToken.key_type != BLOCK_TYPE,
                    MatchToken.authority != exclude_authority,
                )
            )
        )
        if not hits:
            return []  # most reports are of children no council holds: no second query
        return _candidates(hits, self._held({owner_id for owner_id, _ in hits}))

    def _held(self, child_ids: set[int]) -> dict[int, set[str]]:
        held: dict[int, set[str]] = defaultdict(set)
        for owner_id, key_type in self.session.exec(
            select(MatchToken.owner_id, MatchToken.key_type).where(
                MatchToken.owner_kind == CHILD,
                MatchToken.key_type != BLOCK_TYPE,
                col(MatchToken.owner_id).in_(child_ids),
            )
        ):
            held[owner_id].add(key_type)
        return held

    def similar(
        self, blocks: Sequence[bytes], also: Iterable[int], *, exclude_authority: str
    ) -> list[Encoded]:
        found = set(also)
        if blocks:
            found |= set(
                self.session.exec(
                    select(MatchToken.owner_id).where(
                        col(MatchToken.digest).in_(sorted(set(blocks))),
                        MatchToken.owner_kind == CHILD,
                        MatchToken.key_type == BLOCK_TYPE,
                        MatchToken.authority != exclude_authority,
                    )
                )
            )
        if not found:
            return []
        rows = self.session.exec(
            select(SimilarityEncoding).where(
                SimilarityEncoding.owner_kind == CHILD,
                col(SimilarityEncoding.owner_id).in_(found),
                SimilarityEncoding.authority != exclude_authority,
            )
        ).all()
        held = self._held({r.owner_id for r in rows})
        return sorted(
            (
                Encoded(r.owner_id, _int(r.names), _int(r.born), frozenset(held[r.owner_id]))
                for r in rows
            ),
            key=lambda e: e.child_id,
        )


class MemoryCandidateIndex:
    """The same look-up over a dict from digest to children."""

    def __init__(self) -> None:
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
                child_id, _int(names), _int(born), self._held[child_id]
            )
            for block in set(blocks):
                self._blocked[block].append(child_id)

    def similar(
        self, blocks: Sequence[bytes], also: Iterable[int], *, exclude_authority: str
    ) -> list[Encoded]:
        found = {c for block in blocks for c in self._blocked.get(block, ())} | set(also)
        return [
            self._encoded[c]
            for c in sorted(found)
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
