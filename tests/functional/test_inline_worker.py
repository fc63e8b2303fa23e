"""The inline worker (tests, benchmarks) does the items a request queued before its answer: a
report is answered once its episode is shared, even when another hub process holds the item."""

import threading

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from hub import worker
from hub.delivery import outbox
from hub.delivery.models import OutboxItem


def _queue(app: FastAPI) -> int:
    context = app.state.hub
    with context.transaction() as session:
        outbox.enqueue_share(session, [12345], context.clock())  # no such episode: nothing to do
    [item_id] = outbox.queued(session)
    return item_id


def _state(app: FastAPI, item_id: int) -> str:
    with Session(app.state.hub.engine) as session:
        item = session.get(OutboxItem, item_id)
        assert item is not None
        return item.state


def test_a_request_does_the_items_it_queued(hub_app: FastAPI) -> None:
    item_id = _queue(hub_app)
    assert worker.process_queued(hub_app.state.hub, item_id)
    assert _state(hub_app, item_id) == outbox.DONE
    assert not worker.process_queued(hub_app.state.hub, item_id)  # done: not again


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_request_waits_for_the_process_that_holds_its_item(hub_app: FastAPI) -> None:
    context = hub_app.state.hub
    item_id = _queue(hub_app)
    answered: list[bool] = []
    with context.transaction() as other:  # another hub process is sharing the item
        held = outbox.claim(other, context.clock())
        assert held is not None and held.id == item_id
        request = threading.Thread(
            target=lambda: answered.append(worker.process_queued(context, item_id))
        )
        request.start()
        request.join(timeout=1)
        assert request.is_alive() and not answered  # still waiting for the item
        outbox.finish(held, None, context.clock())
        other.add(held)
    request.join()
    assert answered == [False]  # done by the other process, not twice
    assert _state(hub_app, item_id) == outbox.DONE
