"""The 72-hour return-interview clock. Statutory guidance (children who run away or go missing
from home or care): a child who comes back is offered a return interview within 72 hours.

When a found episode is 72 hours old and no interview is recorded for it, the worker reminds
the responsible authority once (``hub.pipeline.remind_return_interviews``, under the
``return-interview-reminder`` policy). Either the reporting authority (by its event id) or the
responsible authority (by the case reference) records the interview, which stops the clock.
Audited: ``interview.record`` and ``interview.remind``."""

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from hub import wire
from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.errors import NotFound
from hub.linking.models import Match
from hub.records.models import Child, Episode

INTERVIEW_WITHIN = timedelta(hours=72)


def returned_at(ended_at: datetime | None, end: date | None) -> datetime | None:
    """When the child came back: the reported time, else the end of the reported day (never
    earlier than the truth, so a reminder is never early)."""
    if ended_at is not None:
        return ended_at
    return None if end is None else datetime.combine(end + timedelta(days=1), time.min, UTC)


def reminder_due(ended_at: datetime | None, end: date | None, now: datetime) -> bool:
    """72 hours since the child came back (the caller keeps to episodes with no interview and
    no reminder yet)."""
    back = returned_at(ended_at, end)
    return back is not None and now >= back + INTERVIEW_WITHIN


def due_episodes(session: Session, now: datetime) -> list[Episode]:
    """Found episodes with no interview and no reminder yet, whose reminder is due now."""
    rows = session.exec(
        select(Episode)
        .where(
            col(Episode.end).is_not(None),
            col(Episode.end) <= (now - INTERVIEW_WITHIN).date(),
            col(Episode.interview_at).is_(None),
            col(Episode.interview_reminded_at).is_(None),
        )
        .order_by(col(Episode.id))
    )
    return [e for e in rows if reminder_due(e.ended_at, e.end, now)]


def mark_reminded(session: Session, audit: AuditLog, episode: Episode, now: datetime) -> None:
    episode.interview_reminded_at = now
    session.add(episode)
    audit.append(
        session,
        now,
        actor="hub",
        action=AuditAction.INTERVIEW_REMIND,
        detail={"episode": episode.id},
    )


def _episode_for(session: Session, authority: str, reference: str) -> Episode | None:
    """The caller's own episode by its event id, or the episode of a live match (case
    reference) to one of the caller's children."""
    own = session.exec(
        select(Episode).where(Episode.authority == authority, Episode.ref == reference)
    ).first()
    if own is not None:
        return own
    match = session.get(Match, reference)
    if match is None or match.withdrawn_at is not None or match.outcome == "possible":
        return None
    child = session.get(Child, match.child_id)
    return (
        session.get(Episode, match.episode_id) if child and child.authority == authority else None
    )


def record_interview(
    session: Session, audit: AuditLog, authority: str, reference: str, at: datetime, now: datetime
) -> wire.ReturnInterviewReceipt:
    episode = _episode_for(session, authority, reference)
    if episode is None:
        raise NotFound("no such event or case of yours")
    episode.interview_at = at
    session.add(episode)
    audit.append(
        session,
        now,
        actor=authority,
        action=AuditAction.INTERVIEW_RECORD,
        detail={"episode": episode.id, "at": at.isoformat()},
    )
    return wire.ReturnInterviewReceipt(reference=reference, interview_at=at)
