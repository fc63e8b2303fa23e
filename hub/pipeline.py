"""The hub's whole path in one place: ingest -> matching -> sharing -> notify -> audit.

Every function here runs inside the caller's transaction; nothing commits.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from hub import audit, ingest, linking, notify, sharing, store, wire
from hub.errors import IdempotencyConflict, QuotaExceeded
from keys import HubKey
from policies import PolicySet


@dataclass(frozen=True)
class HubServices:
    policies: PolicySet
    hub_key: HubKey
    max_keyed_reports_per_day: int = 2000


def ingest_batch(
    session: Session, hub: HubServices, authority: str, batch: wire.RecordBatch, now: datetime
) -> wire.BatchReceipt:
    check_report_quota(session, hub, authority, batch, now)
    children = ingest.upsert_children(session, authority, batch.children, hub.hub_key, now)
    episodes = ingest.upsert_episodes(session, authority, batch.episodes, hub.hub_key, now)
    receipt = wire.BatchReceipt(
        children=len(batch.children),
        episodes=len(batch.episodes),
        removed_children=ingest.remove_children(session, authority, batch.removed_children),
        removed_episodes=ingest.remove_episodes(session, authority, batch.removed_episodes),
    )
    audit.append_at(
        session,
        now,
        actor=authority,
        action="records.ingest",
        detail=receipt.model_dump(exclude={"replayed"}),
    )
    affected = {e.id: e for e in episodes}
    for episode in (
        *linking.episodes_sharing_tokens(session, children),
        *linking.own_episodes(session, children),
    ):
        affected.setdefault(episode.id, episode)
    for episode in affected.values():
        share_episode(session, hub, episode, now)
    return receipt


def check_report_quota(
    session: Session, hub: HubServices, authority: str, batch: wire.RecordBatch, now: datetime
) -> None:
    """Stop an authority probing "is this child known anywhere?" with a stream of reports."""
    keyed = sum(1 for e in batch.episodes if e.child_ref is None and e.match_keys)
    if not keyed:
        return
    recent = session.exec(
        select(func.count())
        .select_from(store.Episode)
        .where(
            store.Episode.authority == authority,
            col(store.Episode.child_ref).is_(None),
            col(store.Episode.updated_at) >= now - timedelta(days=1),
        )
    ).one()
    if recent + keyed > hub.max_keyed_reports_per_day:
        raise QuotaExceeded(
            f"{recent} reports in the last 24 hours; the limit is "
            f"{hub.max_keyed_reports_per_day}. Ask the scheme operator if this is genuine.",
        )


def share_episode(session: Session, hub: HubServices, episode: store.Episode, now: datetime) -> int:
    """Link one episode to its child, or to the children it may be, and notify whoever policy
    allows. Returns how many notifications were stored."""
    return sum(
        share_link(session, hub, link, now) for link in linking.link_episode(session, episode, now)
    )


def share_link(session: Session, hub: HubServices, link: linking.Link, now: datetime) -> int:
    grants = sharing.decide(session, link, hub.policies, now.date())
    if not grants:
        audit.append_at(
            session,
            now,
            actor="hub",
            action="policy.deny",
            subject=link.match.id,
            detail={"event": sharing.event_of(link.episode), "identified_by": link.identified_by},
        )
        return 0
    return notify.store_grants(session, link, grants, now)


def request_digest(batch: wire.RecordBatch) -> str:
    return hashlib.sha256(batch.model_dump_json().encode()).hexdigest()


def replayed_receipt(
    session: Session, authority: str, key: str, digest: str
) -> wire.BatchReceipt | None:
    """The stored receipt for a retried request; a key reused for other content is refused."""
    seen = session.get(store.IdempotentRequest, (authority, key))
    if seen is None:
        return None
    if seen.request_digest != digest:
        raise IdempotencyConflict(f"idempotency key {key!r} was used for a different request")
    return wire.BatchReceipt.model_validate({**json.loads(seen.response), "replayed": True})


def remember_receipt(
    session: Session,
    authority: str,
    key: str,
    digest: str,
    receipt: wire.BatchReceipt,
    now: datetime,
) -> None:
    session.add(
        store.IdempotentRequest(
            authority=authority,
            key=key,
            request_digest=digest,
            response=receipt.model_dump_json(),
            created_at=now,
        )
    )
