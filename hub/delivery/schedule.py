"""Periodic steps shared by every worker: a step runs at most once an interval across all of
them, because the run is claimed in the database (``ScheduledStep``) by a conditional UPDATE in
the transaction that does the work.

On PostgreSQL the UPDATE locks the step's row: a second worker claiming at the same moment
waits, then finds the row already moved on and skips; if the work fails, the rollback releases
the claim for the next worker. SQLite serialises writers at ``BEGIN IMMEDIATE`` to the same
effect. A last run in the future (the clock was set back) does not hold the step up.
"""

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from hub.delivery.models import ScheduledStep


def claim_run(session: Session, step: str, now: datetime, every: timedelta) -> bool:
    """True when this transaction is to run ``step`` now (it is then recorded as run now)."""
    last = col(ScheduledStep.last_run_at)
    moved = session.exec(
        update(ScheduledStep)
        .where(col(ScheduledStep.name) == step, or_(last <= now - every, last > now))
        .values(last_run_at=now)
    )
    if moved.rowcount:
        return True
    if session.get(ScheduledStep, step) is not None:
        return False
    return _first_run(session, step, now)


def _first_run(session: Session, step: str, now: datetime) -> bool:
    try:
        with session.begin_nested():
            session.add(ScheduledStep(name=step, last_run_at=now))
    except IntegrityError:  # another worker's first run committed first
        return False
    return True
