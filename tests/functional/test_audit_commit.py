"""An audit entry lands in the tree as its transaction commits: a request holds the tree head
only while it commits, so hub processes do not queue behind each other's whole requests, and an
entry of work that was rolled back never lands."""

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlmodel import Session

from hub import audit


def _append(session: Session, app: FastAPI, actor: str, **detail: object) -> None:
    audit.append_at(
        session,
        app.state.hub.clock(),
        actor=actor,
        action=audit.AuditAction.AUDIT_READ,
        detail=detail,
    )


def _actors(app: FastAPI) -> list[str]:
    with Session(app.state.hub.engine) as session:
        return [e.actor for e in audit.entries(session, limit=1000)]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_an_open_transaction_does_not_hold_up_another_processes_audited_access(
    hub_app: FastAPI,
) -> None:
    context = hub_app.state.hub
    with context.transaction() as slow:
        _append(slow, hub_app, "E09000001", step="still working")
        slow.execute(text("SELECT 1"))  # the slow request goes on with its work, uncommitted
        with context.transaction() as quick:
            quick.execute(text("SET LOCAL lock_timeout = '5s'"))  # fail rather than wait
            _append(quick, hub_app, "E09000002", step="done")
    assert _actors(hub_app)[-2:] == ["E09000002", "E09000001"]
    with Session(context.engine) as session:
        assert audit.verify(session).ok


def test_entries_of_a_rolled_back_savepoint_never_land(hub_app: FastAPI) -> None:
    context = hub_app.state.hub
    before = len(_actors(hub_app))
    with context.transaction() as session:
        _append(session, hub_app, "E09000001", step="kept")
        with pytest.raises(RuntimeError), session.begin_nested():
            _append(session, hub_app, "E09000002", step="undone")
            raise RuntimeError("the sharing failed")
        with session.begin_nested():
            _append(session, hub_app, "E09000003", step="kept too")
        _append(session, hub_app, "E09000004", step="kept last")
    assert _actors(hub_app)[before:] == ["E09000001", "E09000003", "E09000004"]
    with Session(context.engine) as session:
        result = audit.verify(session)
    assert result.ok, result.problem
    assert result.entries == before + 3


def test_entries_of_a_rolled_back_transaction_never_land(hub_app: FastAPI) -> None:
    context = hub_app.state.hub
    before = len(_actors(hub_app))
    with pytest.raises(RuntimeError), context.transaction() as session:
        _append(session, hub_app, "E09000001", step="undone")
        raise RuntimeError("the request failed")
    with context.transaction() as session:
        _append(session, hub_app, "E09000002", step="kept")
    assert _actors(hub_app)[before:] == ["E09000002"]
    with Session(context.engine) as session:
        assert audit.verify(session).ok
