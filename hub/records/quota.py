"""The daily quota of keyed reports: it stops an authority probing "is this child known
anywhere?" with a stream of reports.

What is counted. A *report* is an episode described by match keys (whatever its ``child_ref``
says: a reference to no child of the sender's falls back to its match keys) whose keys are new
for its reference: a new event id, or an event id sent again with other match keys (a
correction, and equally a probe: it is linked again). Each one is a row in ``KeyedReport``; the
quota is the number of rows in the last 24 hours. Sending the same keys again under the same id
(a retry, the "found" update, a changed time) is not counted: it is not linked to anyone new. An
update older than the stored facts is ignored before it is counted (hub/records/ordering.py).
Going back and forth between two sets of keys counts every change. Re-using one event id
therefore buys nothing: before this, rows were counted, and one id re-sent with new keys was
one row, an unlimited oracle.

What a report can teach its sender. The answer to the request is the same whether or not a
child matched (counts only, and the answer waits for a fixed floor). Only policy-granted
notifications say more: a definite link tells the reporter which authority is responsible and
how to reach it (``notify-responsible-authority``); a possible match tells the reporter nothing;
no link tells nothing. So each counted report reveals at most which one of ~150 authorities, or
none, looks after a child with those keys, and the quota bounds that to ``limit`` answers a day
per authority. A withdrawn link (hub/delivery/inbox.py) is shown to the reporter as withdrawn;
it confirms only what the earlier notification already said.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, insert
from sqlmodel import Session, col, func, select

from hub.errors import QuotaExceeded
from hub.records.models import KeyedReport

QUOTA_WINDOW = timedelta(days=1)


# Built once (hub/db/__init__.py).
_RECENT = (
    select(func.count())
    .select_from(KeyedReport)
    .where(
        KeyedReport.authority == bindparam("authority"),
        col(KeyedReport.counted_at) >= bindparam("since"),
    )
)


def charge_reports(
    session: Session,
    authority: str,
    reports: Sequence[tuple[str, str]],
    limit: int,
    now: datetime,
) -> None:
    """Count these reports (ref, keys digest) against the quota, or refuse them all."""
    if not reports:
        return
    asked = {"authority": authority, "since": now - QUOTA_WINDOW}
    recent = session.exec(_RECENT, params=asked).one()
    if recent + len(reports) > limit:
        raise QuotaExceeded(
            f"{recent} reports in the last 24 hours; the limit is {limit}. "
            "Ask the scheme operator if this is genuine.",
        )
    counted = [
        {"authority": authority, "ref": ref, "keys_digest": digest, "counted_at": now}
        for ref, digest in reports
    ]
    session.execute(insert(KeyedReport), counted)  # rows, not ORM objects: nothing reads them


def forget_stale(session: Session, now: datetime) -> int:
    """Forget reports counted before the window; returns how many."""
    stale = col(KeyedReport.counted_at) < now - QUOTA_WINDOW
    forgotten = len(list(session.exec(select(KeyedReport.id).where(stale))))
    session.execute(delete(KeyedReport).where(stale))
    return forgotten
