"""Ingest of an authority's children: a bulk upsert that writes only what changed.

A council's connector sends every looked-after child every night, and most have not changed
since the night before. Each child row keeps ``record_digest``, one value over what the hub
stores of it (its facts, its re-keyed tokens and its second-stage encoding); a child sent again
with the same digest is left as it is (no row update, no token rewrite, nothing to link again).
The digest is over hub-keyed digests, so it moves with a hub-key rotation (the next sync then
rewrites the child), and it is cleared whenever tokens are deleted behind the children's back
(an epoch purge, a revoked authority), so the next sync stores them again.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, select

from hub import wire
from hub.db import bulk
from hub.records.models import Child
from hub.records.service import CHILD, forget_tokens, keys_digest
from hub.records.tokens import Rekeyed, insert_tokens, rekeyed, token_rows
from hub.records.values import StoredChild
from keys import HubKeyring

_CHILDREN = SQLModel.metadata.tables["child"]

Stored = dict[str, tuple[int, str | None]]  # ref -> (child id, record digest)


def record_digest(record: wire.ChildRecord, tokens: Rekeyed) -> str:
    """What the hub stores of one child, as one value (the reference and the time excepted)."""
    sim = record.similarity
    facts = [
        record.sealed_id,
        record.legal_status,
        record.placement_type,
        record.placement_authority,
        record.placed_since.isoformat() if record.placed_since else None,
        record.confidential_location,
        [sim.epoch, sim.names, sim.born, sim.blocks, sim.near] if sim else None,
    ]
    text = f"{keys_digest(tokens)}\n{json.dumps(facts)}"
    return hashlib.sha256(text.encode()).hexdigest()


def _stored(session: Session, authority: str, refs: Sequence[str]) -> Stored:
    if not refs:
        return {}  # a report carries no children
    rows = session.execute(
        select(Child.ref, Child.id, Child.record_digest).where(
            Child.authority == authority, bulk.among(session, Child.ref, refs)
        )
    )
    return {ref: (child_id, digest) for ref, child_id, digest in rows}


def _child_values(
    authority: str, record: wire.ChildRecord, digest: str, now: datetime
) -> dict[str, object]:
    return {
        "authority": authority,
        "ref": record.ref,
        "sealed_id": record.sealed_id,
        "legal_status": record.legal_status,
        "placement_type": record.placement_type,
        "placement_authority": record.placement_authority,
        "placed_since": record.placed_since,
        "confidential_location": record.confidential_location,
        "record_digest": digest,
        "updated_at": now,
    }


def upsert_children(
    session: Session,
    authority: str,
    records: Sequence[wire.ChildRecord],
    hub_keys: HubKeyring,
    now: datetime,
) -> list[StoredChild]:
    """Bulk upsert (a nightly sync sends thousands at once); a changed child's tokens are
    replaced wholesale. Returns the children written (new or changed), in the order sent;
    the caller stores their encodings and links them again."""
    latest = {r.ref: r for r in records}  # a ref sent twice in one batch: the last one wins
    stored = _stored(session, authority, list(latest))
    tokens = {ref: rekeyed(hub_keys, r.match_keys) for ref, r in latest.items()}
    digests = {ref: record_digest(latest[ref], tokens[ref]) for ref in latest}
    written = [r for r in latest if r not in stored or stored[r][1] != digests[r]]
    ids = {ref: child_id for ref, (child_id, _) in stored.items()}
    values = {r: _child_values(authority, latest[r], digests[r], now) for r in written}
    changed = [r for r in written if r in stored]
    if changed:
        bulk.update_rows(session, _CHILDREN, [{"id": ids[r], **values[r]} for r in changed])
        forget_tokens(session, CHILD, [ids[r] for r in changed])
    fresh = [r for r in written if r not in stored]
    if fresh:
        bulk.insert_rows(session, _CHILDREN, [values[r] for r in fresh])
        ids.update((r, i) for r, (i, _) in _stored(session, authority, fresh).items())
    insert_tokens(
        session,
        (
            row
            for ref in written
            for row in token_rows(hub_keys.version, CHILD, ids[ref], authority, tokens[ref])
        ),
    )
    return [StoredChild(ids[ref], authority, ref) for ref in written]


def forget_digests(session: Session, authority: str | None = None) -> None:
    """Make the next sync store every child again (of ``authority``, or of all): their tokens
    were deleted by other means."""
    statement = update(Child).values(record_digest=None)
    if authority is not None:
        statement = statement.where(col(Child.authority) == authority)
    session.execute(statement)
