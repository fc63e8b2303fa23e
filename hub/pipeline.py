"""The hub's whole path in one place, in the order a report travels:

    records (idempotency, quota, ingest)  ->  outbox  ||  worker: linking (candidates, decide,
      match)  ->  sharing (policies)  ->  delivery (notifications, webhooks)  ->  audit

The request stores the report and queues its episodes in the outbox (the answer is the same
whether or not the child is known); the worker (hub/worker.py) takes each queued episode
through ``share_queued``. Every function here runs inside the caller's transaction; nothing
commits.
"""

import logging
from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from hub import wire
from hub.audit import AuditAction
from hub.delivery import dispositions, interviews, outbox
from hub.linking import service as linking
from hub.linking.values import Link
from hub.records import encodings, idempotency, quota
from hub.records import service as records
from hub.records.children import upsert_children
from hub.records.models import Episode
from hub.records.service import CHILD, EPISODE
from hub.records.values import EpisodeFacts, StoredChild
from hub.services import HubServices
from hub.sharing.service import grants_for
from policies import EventType

# Application events (hub/observe/logs.py renders them): counts and kinds only, never a
# reference, an identifier or a match key.
log = logging.getLogger("hub.pipeline")


def receive_batch(
    session: Session,
    hub: HubServices,
    authority: str,
    batch: wire.RecordBatch,
    idempotency_key: str,
    digest: str,
    now: datetime,
) -> wire.BatchReceipt:
    """A connector's batch, exactly once: a retry (the same key, the same ``digest`` of the
    request: hub.records.idempotency) gets the stored receipt."""
    replay = idempotency.replayed_receipt(session, authority, idempotency_key, digest)
    if replay is not None:
        hub.audit.append(
            session,
            now,
            actor=authority,
            action=AuditAction.RECORDS_REPLAY,
            detail={"request_digest": digest[:16]},
        )
        return replay
    receipt = ingest_batch(session, hub, authority, batch, now)
    idempotency.remember_receipt(session, authority, idempotency_key, digest, receipt, now)
    log.info(
        "sync received",
        extra={
            "sender": authority,
            "children": receipt.children,
            "episodes": receipt.episodes,
            "removed_children": receipt.removed_children,
            "removed_episodes": receipt.removed_episodes,
        },
    )
    return receipt


def _store_encodings(
    session: Session,
    hub: HubServices,
    authority: str,
    batch: wire.RecordBatch,
    children: list[StoredChild],
    episodes: list[Episode],
    plan: records.EpisodePlan,
) -> None:
    """The second stage's encodings of the records just written (hub.records.encodings)."""
    sent = {r.ref: r.similarity for r in batch.children}  # a ref sent twice: the last one wins
    encodings.store(
        session, hub.hub_keys, CHILD, authority, [(c.id, sent[c.ref]) for c in children]
    )
    encodings.store(
        session,
        hub.hub_keys,
        EPISODE,
        authority,
        [
            (records.row_id(e), c.record.similarity)
            for e, c in zip(episodes, plan.changes, strict=True)
        ],
    )


def ingest_batch(
    session: Session, hub: HubServices, authority: str, batch: wire.RecordBatch, now: datetime
) -> wire.BatchReceipt:
    """Store the batch, then link and share every episode it may have changed (an unchanged
    child changes none). Episode updates older than the stored facts are ignored (audited);
    new match keys count against the quota."""
    plan = records.plan_episodes(session, authority, batch.episodes, hub.hub_keys)
    quota.charge_reports(session, authority, plan.reports(), hub.max_keyed_reports_per_day, now)
    children = upsert_children(session, authority, batch.children, hub.hub_keys, now)
    episodes = records.apply_episodes(session, authority, plan, hub.hub_keys.version, now)
    _store_encodings(session, hub, authority, batch, children, episodes, plan)
    receipt = wire.BatchReceipt(
        children=len(batch.children),
        episodes=len(batch.episodes),
        removed_children=records.remove_children(session, authority, batch.removed_children),
        removed_episodes=records.remove_episodes(session, authority, batch.removed_episodes),
    )
    hub.audit.append(
        session,
        now,
        actor=authority,
        action=AuditAction.RECORDS_INGEST,
        detail=receipt.model_dump(exclude={"replayed"}),
    )
    if plan.stale:
        hub.audit.append(
            session,
            now,
            actor=authority,
            action=AuditAction.RECORDS_STALE,
            detail={"episodes": sorted(plan.stale), "reason": "older than the stored facts"},
        )
    affected = {e.id: e for e in map(records.episode_facts, episodes)}
    for episode in (
        *linking.episodes_sharing_tokens(session, children),
        *linking.own_episodes(session, children),
    ):
        affected.setdefault(episode.id, episode)
    outbox.enqueue_share(session, affected, now)
    return receipt


def share_queued(session: Session, hub: HubServices, episode_id: int, now: datetime) -> int:
    """The worker's half of a report (hub/worker.py): link and share one queued episode, if it
    still exists."""
    episode = session.get(Episode, episode_id)
    return (
        0 if episode is None else share_episode(session, hub, records.episode_facts(episode), now)
    )


def share_episode(session: Session, hub: HubServices, episode: EpisodeFacts, now: datetime) -> int:
    """Link one episode to its child, or to the children it may be, withdraw what no longer
    stands, and deliver whatever the policies grant. Returns how many notifications were new."""
    relinked = linking.link_episode(session, hub.audit, episode, now)
    hub.deliverer.withdraw(session, relinked.withdrawn, now)
    return sum(share_link(session, hub, link, now) for link in relinked.links)


def share_link(session: Session, hub: HubServices, link: Link, now: datetime) -> int:
    grants = grants_for(session, link, hub.policies, now.date())
    event = {"kind": link.event, "identified_by": link.identified_by}
    log.info("match made", extra={**event, "grants": len(grants)})
    if not grants:
        hub.audit.append(
            session,
            now,
            actor="hub",
            action=AuditAction.POLICY_DENY,
            subject=link.case_reference,
            detail={"event": link.event, "identified_by": link.identified_by},
        )
        return 0
    created = hub.deliverer.deliver(session, link, grants, now)
    log.info("notifications created", extra={**event, "notifications": created})
    return created


def dispose(
    session: Session,
    hub: HubServices,
    recipient: str,
    notification_id: str,
    disposition: wire.Disposition,
    now: datetime,
) -> wire.DispositionReceipt:
    """A recipient's verdict on its notification. On a possible match awaiting its review,
    confirmed queues the episode to be linked and shared again (the worker makes the link and
    the policies' notifications follow); false_match closes the match."""
    notification = dispositions.record(
        session, hub.audit, recipient, notification_id, disposition, now
    )
    resolution, episode_id = (
        (None, 0)
        if disposition == "duplicate"
        else linking.resolve_review(
            session, hub.audit, notification.case_reference, recipient, disposition, now
        )
    )
    if resolution == "confirmed":
        outbox.enqueue_share(session, [episode_id], now)
    return wire.DispositionReceipt(
        notification=notification.id, disposition=disposition, match_resolution=resolution
    )


def remind_return_interviews(session: Session, hub: HubServices, now: datetime) -> int:
    """The worker's periodic step: each found episode with no return interview 72 hours on
    tells its responsible authority, once, what the reminder policy grants. Returns how many
    episodes were due."""
    due = interviews.due_episodes(session, now)
    for episode in due:
        interviews.mark_reminded(session, hub.audit, episode, now)
        facts = records.episode_facts(episode)
        for link in linking.live_links(session, facts):
            share_link(session, hub, replace(link, about=EventType.RETURN_INTERVIEW_DUE), now)
    return len(due)
