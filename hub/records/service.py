"""Ingest: upsert and remove one authority's records, re-keying every token with the hub key.

Every stored token records the shared-key epoch it came under and the hub-key version that
re-keyed it. Episodes are planned first (``plan_episodes``: what changes, what is older than the
stored facts, which match keys are new), so the quota can count reports before anything is
stored, then applied (``apply_episodes``).
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from hub import wire
from hub.records import encodings
from hub.records.models import Child, Episode, MatchToken
from hub.records.ordering import Times, is_older
from hub.records.tokens import Rekeyed, insert_tokens, rekeyed, token_rows
from hub.records.values import ChildFacts, EpisodeFacts
from keys import HubKeyring

CHILD, EPISODE = "C", "E"


def keys_digest(tokens: Rekeyed) -> str:
    """One value for a set of match keys, over their hub-keyed digests."""
    lines = (f"{key_type}|{epoch}|{digest.hex()}" for key_type, epoch, digest in tokens)
    return hashlib.sha256("\n".join(lines).encode("ascii")).hexdigest()


def forget_tokens(session: Session, owner_kind: str, owner_ids: list[int]) -> None:
    """Delete these records' tokens and encodings (before they are replaced or removed)."""
    if owner_ids:
        session.execute(
            delete(MatchToken).where(
                col(MatchToken.owner_kind) == owner_kind,
                col(MatchToken.owner_id).in_(owner_ids),
            )
        )
        encodings.forget(session, owner_kind, owner_ids)


@dataclass(frozen=True, slots=True)
class EpisodeChange:
    """An episode record to store: new, or different from the stored one."""

    record: wire.EpisodeRecord
    tokens: Rekeyed
    keys_digest: str
    stored: Episode | None

    @property
    def new_keys(self) -> bool:
        """Described by match keys that are new for its reference: a report to count."""
        previous = self.stored.keys_digest if self.stored is not None else None
        return bool(self.record.match_keys) and previous != self.keys_digest


@dataclass(frozen=True, slots=True)
class EpisodePlan:
    changes: list[EpisodeChange]
    stale: list[str]  # refs whose update is older than the stored facts: ignored

    def reports(self) -> list[tuple[str, str]]:
        return [(c.record.ref, c.keys_digest) for c in self.changes if c.new_keys]


# Built once (hub/db/__init__.py).
_STORED_EPISODES = select(Episode).where(
    Episode.authority == bindparam("authority"),
    col(Episode.ref).in_(bindparam("refs", expanding=True)),
)


def plan_episodes(
    session: Session, authority: str, records: Sequence[wire.EpisodeRecord], hub_keys: HubKeyring
) -> EpisodePlan:
    """Which records change what the hub holds. A ref sent twice in one batch: the last one
    wins. An update older than the stored facts is set aside (hub/records/ordering.py)."""
    latest = {r.ref: r for r in records}
    if not latest:
        return EpisodePlan([], [])  # a nightly sync of children only
    asked = {"authority": authority, "refs": list(latest)}
    stored = {e.ref: e for e in session.exec(_STORED_EPISODES, params=asked)}
    changes: list[EpisodeChange] = []
    stale: list[str] = []
    for ref, record in latest.items():
        row = stored.get(ref)
        if row is not None and is_older(_times(record), _times(row)):
            stale.append(ref)
            continue
        tokens = rekeyed(hub_keys, record.match_keys)
        digest = keys_digest(tokens)
        if row is None or not _same_episode(row, record) or row.keys_digest != digest:
            changes.append(EpisodeChange(record, tokens, digest, row))
    return EpisodePlan(changes, stale)


def _times(x: Episode | wire.EpisodeRecord) -> Times:
    return Times(x.start, x.end, x.started_at, x.ended_at)


def apply_episodes(
    session: Session, authority: str, plan: EpisodePlan, hub_key_version: int, now: datetime
) -> list[Episode]:
    """Store the planned changes; returns the episodes to match again."""
    rows: list[Episode] = []
    for change in plan.changes:
        record = change.record
        row = change.stored or Episode(
            authority=authority,
            ref=record.ref,
            kind=record.kind,
            start=record.start,
            updated_at=now,
        )
        row.child_ref, row.sealed_id, row.kind = record.child_ref, record.sealed_id, record.kind
        row.start, row.end = record.start, record.end
        row.started_at, row.ended_at, row.updated_at = record.started_at, record.ended_at, now
        row.keys_digest = change.keys_digest
        rows.append(row)
    session.add_all(rows)
    session.flush()
    stored = [row_id(r) for r, c in zip(rows, plan.changes, strict=True) if c.stored is not None]
    forget_tokens(session, EPISODE, stored)  # a new episode has nothing to replace
    insert_tokens(
        session,
        (
            t
            for row, change in zip(rows, plan.changes, strict=True)
            for t in token_rows(hub_key_version, EPISODE, row_id(row), authority, change.tokens)
        ),
    )
    return rows


def _same_episode(row: Episode, record: wire.EpisodeRecord) -> bool:
    return (row.kind, row.start, row.end, row.child_ref, row.started_at, row.ended_at) == (
        record.kind,
        record.start,
        record.end,
        record.child_ref,
        record.started_at,
        record.ended_at,
    )


def remove_children(session: Session, authority: str, refs: Sequence[str]) -> int:
    if not refs:
        return 0
    ids = list(
        session.exec(select(Child.id).where(Child.authority == authority, col(Child.ref).in_(refs)))
    )
    forget_tokens(session, CHILD, [i for i in ids if i is not None])
    session.execute(delete(Child).where(col(Child.id).in_(ids)))
    return len(ids)


def remove_episodes(session: Session, authority: str, refs: Sequence[str]) -> int:
    if not refs:
        return 0
    ids = list(
        session.exec(
            select(Episode.id).where(Episode.authority == authority, col(Episode.ref).in_(refs))
        )
    )
    forget_tokens(session, EPISODE, [i for i in ids if i is not None])
    session.execute(delete(Episode).where(col(Episode.id).in_(ids)))
    return len(ids)


def row_id(row: Child | Episode) -> int:
    assert row.id is not None, "flushed rows have ids"
    return row.id


def count_records(session: Session, authority: str) -> tuple[int, int]:
    """How many children and episodes the hub holds for this authority."""
    children = session.exec(
        select(func.count()).select_from(Child).where(Child.authority == authority)
    ).one()
    episodes = session.exec(
        select(func.count()).select_from(Episode).where(Episode.authority == authority)
    ).one()
    return children, episodes


def episode_facts(row: Episode) -> EpisodeFacts:
    return EpisodeFacts(
        row_id(row),
        row.authority,
        row.child_ref,
        row.sealed_id,
        row.kind,
        row.start,
        row.end,
        row.started_at,
        row.ended_at,
    )


def child_facts(row: Child) -> ChildFacts:
    return ChildFacts(
        row_id(row),
        row.authority,
        row.sealed_id,
        row.legal_status,
        row.placement_type,
        row.placement_authority,
        row.placed_since,
        row.confidential_location,
    )
