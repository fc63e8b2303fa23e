"""The worker: drains the outbox (hub/delivery/outbox.py), one item per transaction.

A queued episode is linked, shared under the policies and notified (``pipeline.share_queued``);
a queued webhook is sent (hub/delivery/webhooks.py), a queued e-mail alert too
(hub/delivery/mail.py), a due digest queues its webhooks and e-mails (hub/delivery/digests.py).
Once an hour the worker purges what retention allows (hub/delivery/retention.py); on
PostgreSQL it keeps the planner statistics of growing tables fresh (hub/db/statistics.py);
every few minutes, on one worker of all, it sends the return-interview reminders now due.
Each item is claimed under a row lock, done and marked in the same transaction, so two workers
never hold one item and a worker killed mid-item leaves it queued. A failed item is retried on
the webhook schedule, then dead-lettered.

Where it runs (``HubSettings.worker``): a background thread of the app (the embedded default,
woken after every commit), ``homeward hub worker`` processes (production, any number against one
PostgreSQL database), or inline after each request's commit (tests: deterministic), the items
that request queued first, so its answer comes once its notifications are stored."""

import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from hub import pipeline
from hub.context import HubContext
from hub.delivery import digests, mail, outbox, retention, schedule, webhooks
from hub.delivery.models import OutboxItem
from hub.records.models import Episode

log = logging.getLogger(__name__)
REMINDERS = "return-interview-reminders"


Step = Literal["done", "reminded", "idle"]


def process_one(context: HubContext, *, remind: bool = False, probe: bool = False) -> Step:
    """Claim, do and finish the oldest due item (``done``). When none is due and ``remind``,
    the return-interview reminders now due are made in the same transaction (``reminded`` if
    any was); else ``idle``. With ``probe``, when no reminder can be due, one read first asks
    whether any item is: a worker that caught up opens no transaction."""
    if probe and not _reminders_may_be_due(context, remind) and not _any_due(context):
        return "idle"
    with context.transaction() as session:
        now = context.clock()
        item = outbox.claim(session, now)
        if item is not None:
            _handle(session, context, item)
            session.add(item)
            return "done"
        if remind and _remind(session, context, now):
            return "reminded"
    return "idle"


def process_queued(context: HubContext, item_id: int) -> bool:
    """Do and finish that queued item unless it is done already (or done meanwhile by a worker
    that held it); whether this call did it."""
    with context.transaction() as session:
        item = outbox.claim_queued(session, item_id, episodes=Episode)
        if item is None:
            return False
        _handle(session, context, item)
        session.add(item)
    return True


def _reminders_may_be_due(context: HubContext, remind: bool) -> bool:
    return remind and not context.reminders_seen.rules_out(context.clock(), REMIND_EVERY)


def _any_due(context: HubContext) -> bool:
    with context.reading() as session:
        return outbox.due_count(session, context.clock(), limit=1) > 0


def _handle(session: Session, context: HubContext, item: OutboxItem) -> None:
    now, services = context.clock(), context.services
    if item.kind == outbox.EMAIL:
        mail.send(session, services.audit, context.mailer, item, now)
        log.info("e-mail alert", extra={"recipient": item.recipient, "state": item.state})
        return
    if item.kind == outbox.DIGEST:
        digests.send_digest(session, services.audit, item, now)
        return
    if item.kind == outbox.WEBHOOK:
        webhooks.send(session, services.audit, context.sender, item, now)
        delivered = item.state == outbox.DONE
        log.info(
            "notification delivered" if delivered else "webhook attempt failed",
            extra={"recipient": item.recipient, "attempts": item.attempts, "state": item.state},
        )
        return
    try:
        with session.begin_nested():
            pipeline.share_queued(session, services, item.episode_id or 0, now)
    except Exception as exc:
        log.exception("sharing episode %s failed", item.episode_id)
        outbox.fail(item, None, type(exc).__name__, now, context.sender.random)
    else:
        outbox.finish(item, None, now)


def drain(context: HubContext, limit: int | None = None, first: Sequence[int] = ()) -> int:
    """Process the items ``first`` names, then due items until none is left (or ``limit``),
    then the periodic steps (which may queue more); returns how many items."""
    purge(context)
    tend_statistics(context)
    done, remind, probe = sum(process_queued(context, i) for i in first), True, True
    while limit is None or done < limit:
        step = process_one(context, remind=remind, probe=probe)
        probe = False  # after a step, more is likely due: claim straight away
        if step == "idle":
            break
        if step == "done":
            done += 1
        else:
            remind = False  # its notifications' webhooks are queued: drain them too
    return done


REMIND_EVERY = timedelta(minutes=5)


def _remind(session: Session, context: HubContext, now: datetime) -> int:
    """The return-interview reminders now due, at most every ``REMIND_EVERY`` across all
    workers (a reminder is at most that late); how many episodes."""
    if not schedule.claim_run(session, REMINDERS, now, REMIND_EVERY, context.reminders_seen):
        return 0
    return pipeline.remind_return_interviews(session, context.services, now)


PURGE_INTERVAL = timedelta(hours=1)


def purge(context: HubContext) -> int:
    """Retention (hub/delivery/retention.py), at most once an hour per worker; rows purged."""
    now = context.clock()
    if context.last_purge is not None and now - context.last_purge < PURGE_INTERVAL:
        return 0
    keep = timedelta(days=context.settings.outbox_retention_days)
    with context.transaction() as session:
        purged = retention.purge_due(session, context.services.audit, now, keep)
    context.last_purge = now
    return purged


def tend_statistics(context: HubContext) -> None:
    """Fresh planner statistics for the tables that grew (hub/db/statistics.py); a failure is
    logged, never in the way of delivery."""
    try:
        context.statistics.tend()
    except SQLAlchemyError:
        log.exception("refreshing the planner statistics failed")


class WorkerThread:
    """The in-process worker: drains when woken (after each commit) or every poll interval."""

    def __init__(self, context: HubContext) -> None:
        self.context = context
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="homeward-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                drain(self.context)
            except Exception:
                log.exception("the worker failed to drain the outbox; retrying")
            self._wake.wait(self.context.settings.worker_poll_seconds)
            self._wake.clear()


def attach(context: HubContext) -> WorkerThread | None:
    """Wire the worker the settings ask for; the thread, if any, is started."""
    mode = context.settings.worker
    if mode == "inline":
        context.kick_worker = lambda queued: _drain_quietly(context, queued)
        return None
    if mode == "external":
        return None
    thread = WorkerThread(context)
    context.kick_worker = lambda _queued: thread.kick()
    thread.start()
    return thread


def wait_until_idle(context: HubContext, seconds: float) -> bool:
    """True once no item is due (the worker caught up), False if it has not within
    ``seconds``: for the demo and benchmarks, which watch the thread worker from outside."""
    deadline = time.monotonic() + seconds
    while True:
        with context.transaction() as session:
            if outbox.due_count(session, context.clock()) == 0:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _drain_quietly(context: HubContext, queued: Sequence[int]) -> None:
    drain(context, first=queued)


def run_forever(context: HubContext, stop: threading.Event) -> None:
    """``homeward hub worker``: drain, then wait a poll interval, until ``stop`` is set."""
    while not stop.is_set():
        try:
            drain(context)
        except Exception:
            log.exception("the worker failed to drain the outbox; retrying")
        stop.wait(context.settings.worker_poll_seconds)
