"""The worker's periodic steps run once an interval across every worker: the return-interview
reminders are claimed in the database, so a busy hub whose workers drain after every request
looks for due reminders every few minutes, not on every drain; a second worker claiming at the
same moment waits and skips. SQLite and PostgreSQL."""

import threading
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import event

from hub import worker
from hub.db.engine import transaction
from hub.delivery.schedule import LastSeen, claim_run
from tests.functional.conftest import Clock

STEP, EVERY = "a-step", timedelta(minutes=5)


def claimed(app: FastAPI, clock: Clock) -> bool:
    with transaction(app.state.hub.engine) as session:
        return claim_run(session, STEP, clock.now, EVERY)


def test_a_step_runs_once_an_interval(hub_app: FastAPI, clock: Clock) -> None:
    assert claimed(hub_app, clock)  # the first run ever
    assert not claimed(hub_app, clock)
    clock.now += EVERY - timedelta(seconds=1)
    assert not claimed(hub_app, clock)
    clock.now += timedelta(seconds=1)
    assert claimed(hub_app, clock)
    clock.now -= timedelta(hours=1)  # the clock was set back: the step is not held up
    assert claimed(hub_app, clock)
    assert not claimed(hub_app, clock)


def test_a_failed_run_leaves_the_step_to_the_next_worker(hub_app: FastAPI, clock: Clock) -> None:
    assert claimed(hub_app, clock)
    clock.now += EVERY
    try:
        with transaction(hub_app.state.hub.engine) as session:
            assert claim_run(session, STEP, clock.now, EVERY)
            raise RuntimeError("the step failed")
    except RuntimeError:
        pass
    assert claimed(hub_app, clock)


def test_a_second_worker_claiming_at_the_same_moment_skips(hub_app: FastAPI, clock: Clock) -> None:
    assert claimed(hub_app, clock)
    clock.now += EVERY
    results: list[bool] = []
    second = threading.Thread(target=lambda: results.append(claimed(hub_app, clock)))
    with transaction(hub_app.state.hub.engine) as session:
        assert claim_run(session, STEP, clock.now, EVERY)
        second.start()  # waits for this transaction's lock
        second.join(timeout=0.5)
    second.join()
    assert results == [False]


def test_draining_after_every_request_looks_for_reminders_once_an_interval(
    hub_app: FastAPI, clock: Clock
) -> None:
    looked: list[str] = []

    def count(*args: object) -> None:
        statement = str(args[2]).lower()
        if "interview_reminded_at is null" in statement:
            looked.append(statement)

    event.listen(hub_app.state.hub.engine, "before_cursor_execute", count)
    for _ in range(5):
        worker.drain(hub_app.state.hub)
        clock.now += timedelta(seconds=30)
    assert len(looked) == 1
    clock.now += worker.REMIND_EVERY
    worker.drain(hub_app.state.hub)
    assert len(looked) == 2
    event.remove(hub_app.state.hub.engine, "before_cursor_execute", count)


def test_a_remembered_run_spares_claims_bound_to_fail(hub_app: FastAPI, clock: Clock) -> None:
    seen, engine = LastSeen(), hub_app.state.hub.engine
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert claimed(hub_app, clock)  # another worker's run
        clock.now += timedelta(minutes=1)
        with transaction(engine) as session:
            assert not claim_run(session, STEP, clock.now, EVERY, seen)  # reads the run back
        asked = len(statements)
        with transaction(engine) as session:
            assert not claim_run(session, STEP, clock.now + timedelta(minutes=3), EVERY, seen)
        assert len(statements) == asked  # known to fail: not asked
        with transaction(engine) as session:
            assert claim_run(session, STEP, clock.now + EVERY, EVERY, seen)  # due: claimed
    finally:
        event.remove(engine, "before_cursor_execute", record)
