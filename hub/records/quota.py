"""The daily quota of keyed reports: it stops an authority probing "is this child known
anywhere?" with a stream of reports."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from hub import wire
from hub.errors import QuotaExceeded
from hub.records.models import Episode

QUOTA_WINDOW = timedelta(days=1)


def keyed_reports(batch: wire.RecordBatch) -> int:
    """Episodes described by match keys rather than as the reporter's own child."""
    return sum(1 for e in batch.episodes if e.child_ref is None and e.match_keys)


def check_report_quota(
    session: Session, authority: str, batch: wire.RecordBatch, limit: int, now: datetime
) -> None:
    keyed = keyed_reports(batch)
    if not keyed:
        return
    recent = session.exec(
        select(func.count())
        .select_from(Episode)
        .where(
            Episode.authority == authority,
            col(Episode.child_ref).is_(None),
            col(Episode.updated_at) >= now - QUOTA_WINDOW,
        )
    ).one()
    if recent + keyed > limit:
        raise QuotaExceeded(
            f"{recent} reports in the last 24 hours; the limit is {limit}. "
            "Ask the scheme operator if this is genuine.",
        )
