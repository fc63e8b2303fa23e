"""Ingest: upsert and remove one authority's records, re-keying every token with the hub key.

Every stored token records the shared-key epoch it came under and the hub-key version that
re-keyed it.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, SQLModel, col, select

from hub import wire
from hub.records.models import Child, Episode, MatchToken
from hub.records.values import ChildFacts, EpisodeFacts, StoredChild
from keys import HubKeyring, Token

CHILD, EPISODE = "C", "E"


def _token_rows(
    hub_keys: HubKeyring,
    owner_kind: str,
    owner_id: int,
    authority: str,
    keys: Sequence[wire.MatchKey],
) -> list[dict[str, object]]:
    unique = {(k.type, k.epoch, hub_keys.rekey(Token(k.type, k.epoch, k.token))) for k in keys}
    return [
        {
            "digest": digest,
            "key_type": key_type,
            "epoch": epoch,
            "hub_key_version": hub_keys.version,
            "owner_kind": owner_kind,
            "owner_id": owner_id,
            "authority": authority,
        }
        for key_type, epoch, digest in sorted(unique)
    ]


def _replace_tokens(session: Session, owner_kind: str, owner_ids: list[int]) -> None:
    if owner_ids:
        session.execute(
            delete(MatchToken).where(
                col(MatchToken.owner_kind) == owner_kind,
                col(MatchToken.owner_id).in_(owner_ids),
            )
        )


_MATCH_TOKENS = SQLModel.metadata.tables["matchtoken"]


def _insert_tokens(session: Session, rows: list[dict[str, object]]) -> None:
    """Straight into the table: the ORM's per-row bookkeeping costs 15 % of an ingest."""
    if rows:
        session.execute(insert(_MATCH_TOKENS), rows)


def _child_values(authority: str, record: wire.ChildRecord, now: datetime) -> dict[str, object]:
    return {
        "authority": authority,
        "ref": record.ref,
        "sealed_id": record.sealed_id,
        "legal_status": record.legal_status,
        "placement_type": record.placement_type,
        "placement_authority": record.placement_authority,
        "placed_since": record.placed_since,
        "updated_at": now,
    }


def upsert_children(
    session: Session,
    authority: str,
    records: Sequence[wire.ChildRecord],
    hub_keys: HubKeyring,
    now: datetime,
) -> list[StoredChild]:
    """Bulk upsert (a nightly sync sends thousands at once); tokens are replaced wholesale."""
    latest = {r.ref: r for r in records}  # a ref sent twice in one batch: the last one wins
    rows = session.execute(
        select(Child.ref, Child.id).where(
            Child.authority == authority, col(Child.ref).in_(list(latest))
        )
    )
    existing: dict[str, int] = {ref: child_id for ref, child_id in rows}
    changed = [
        {"id": existing[ref], **_child_values(authority, r, now)}
        for ref, r in latest.items()
        if ref in existing
    ]
    fresh = [_child_values(authority, r, now) for ref, r in latest.items() if ref not in existing]
    if changed:
        session.execute(update(Child), changed)
        _replace_tokens(session, CHILD, [existing[ref] for ref in latest if ref in existing])
    if fresh:
        inserted = session.execute(
            insert(Child).returning(col(Child.ref), col(Child.id), sort_by_parameter_order=True),
            fresh,
        )
        existing.update((ref, child_id) for ref, child_id in inserted)
    _insert_tokens(
        session,
        [
            t
            for ref, r in latest.items()
            for t in _token_rows(hub_keys, CHILD, existing[ref], authority, r.match_keys)
        ],
    )
    return [StoredChild(existing[ref], authority, ref) for ref in latest]


def upsert_episodes(
    session: Session,
    authority: str,
    records: Sequence[wire.EpisodeRecord],
    hub_keys: HubKeyring,
    now: datetime,
) -> list[Episode]:
    """Returns the episodes that are new or whose status changed (the ones to match again)."""
    existing = {
        e.ref: e
        for e in session.exec(
            select(Episode).where(
                Episode.authority == authority,
                col(Episode.ref).in_([r.ref for r in records]),
            )
        )
    }
    changed: list[tuple[Episode, wire.EpisodeRecord]] = []
    for record in records:
        row = existing.get(record.ref)
        if row is not None and _same_episode(row, record):
            continue
        row = row or Episode(
            authority=authority,
            ref=record.ref,
            kind=record.kind,
            start=record.start,
            updated_at=now,
        )
        row.child_ref, row.sealed_id, row.kind = record.child_ref, record.sealed_id, record.kind
        row.start, row.end = record.start, record.end
        row.started_at, row.ended_at, row.updated_at = record.started_at, record.ended_at, now
        changed.append((row, record))
    session.add_all([row for row, _ in changed])
    session.flush()
    _replace_tokens(session, EPISODE, [row_id(row) for row, _ in changed])
    _insert_tokens(
        session,
        [
            t
            for row, record in changed
            for t in _token_rows(hub_keys, EPISODE, row_id(row), authority, record.match_keys)
        ],
    )
    return [row for row, _ in changed]


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
    _replace_tokens(session, CHILD, [i for i in ids if i is not None])
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
    _replace_tokens(session, EPISODE, [i for i in ids if i is not None])
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
    )
