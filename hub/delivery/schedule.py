"""Periodic steps shared by every worker: a step runs at most once an interval across all of
them, because the run is claimed in the database (``ScheduledStep``) by a conditional UPDATE in
the transaction that does the work.

On PostgreSQL the UPDATE locks the step's row: a second worker claiming at the same moment
waits, then finds the row already moved on and skips; if the work fails, the rollback releases
the claim for the next worker. SQLite serialises writers at ``BEGIN IMMEDIATE`` to the same
effect. A last run in the future (the clock was set back) does not hold the step up.

A worker remembers the last run it saw (``LastSeen``): until an interval after it a claim is
bound to fail (a run only moves the time on), so the worker does not ask the database.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from hub.delivery.models import ScheduledStep


class LastSeen:
    """A step's last run as this process last read it from the database."""

    def __init__(self) -> None:
        self.at: datetime | None = None

    def rules_out(self, now: datetime, every: timedelta) -> bool:
        """Whether a claim at ``now`` is known to fail without asking."""
        return self.at is not None and self.at <= now < self.at + every

    def saw(self, at: datetime) -> None:
        self.at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def claim_run(
    session: Session, step: str, now: datetime, every: timedelta, seen: LastSeen | None = None
) -> bool:
    """True when this transaction is to run ``step`` now (it is then recorded as run now).
    ``seen`` spares the database a claim bound to fail; it learns only runs read back from a
    failed claim, as a run claimed here may yet be rolled back."""
    if seen is not None and seen.rules_out(now, every):
        return False
    last = col(ScheduledStep.last_run_at)
    moved = session.exec(
        update(ScheduledStep)
        .where(col(ScheduledStep.name) == step, or_(last <= now - every, last > now))
        .values(last_run_at=now)
    )
    if moved.rowcount:
        return True
    found = session.get(ScheduledStep, step)
    if found is not None:
        if seen is not None:
            seen.saw(found.last_run_at)
        return False
    return _first_run(session, step, now)


def _first_run(session: Session, step: str, now: datetime) -> bool:
    try:
        with session.begin_nested():
            session.add(ScheduledStep(name=step, last_run_at=now))
    except IntegrityError:  # another worker's first run committed first
        return False
    return True
