"""The nightly sync sent again, on SQLite and PostgreSQL: a child sent unchanged is not written
again (its row, tokens and encoding stay as they are, nothing is queued to link), a changed
one is rewritten, and after an epoch purge the next sync stores what the purge deleted."""

import itertools
from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from connectors.idnear import NearTokens
from hub import operator, wire
from hub.delivery.models import OutboxItem
from hub.records.models import Child, MatchToken, SimilarityEncoding
from keys import SharedKeyring, new_secret
from tests.factories import CouncilSide, person
from tests.functional.conftest import Clock, bearer, register_authority

HOME, OTHER = "E08000025", "E06000023"
_keys = itertools.count(1)


def sync(client: TestClient, credential: str, children: list[wire.ChildRecord]) -> None:
    response = client.post(
        "/v1/records",
        json={"children": [c.model_dump(mode="json") for c in children]},
        headers={**bearer(credential), "Idempotency-Key": f"night-{next(_keys)}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["children"] == len(children)


Stored = dict[str, tuple[str | None, datetime, frozenset[bytes]]]


def stored(app: FastAPI) -> Stored:
    """Each child's legal status, when its row was last written, and its token digests."""
    with Session(app.state.hub.engine) as session:
        children = {c.id: c for c in session.exec(select(Child))}
        tokens: dict[int, set[bytes]] = {}
        for owner, digest in session.exec(
            select(MatchToken.owner_id, MatchToken.digest).where(MatchToken.owner_kind == "C")
        ):
            tokens.setdefault(owner, set()).add(digest)
    return {
        c.ref: (c.legal_status, c.updated_at, frozenset(tokens.get(i, ())))
        for i, c in children.items()
    }


def count(app: FastAPI, model: type[OutboxItem] | type[SimilarityEncoding]) -> int:
    with Session(app.state.hub.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_an_unchanged_child_is_not_written_again_and_a_changed_one_is(
    client: TestClient, hub_app: FastAPI, clock: Clock
) -> None:
    shared = SharedKeyring.generate()
    home, other = CouncilSide(HOME, shared), CouncilSide(OTHER, shared)
    credential, reporter = register_authority(hub_app, HOME), register_authority(hub_app, OTHER)
    people = [person() for _ in range(3)]
    event = other.event(people[1]).model_dump(mode="json")  # found before home's sync
    assert client.post("/v1/events", json=event, headers=bearer(reporter)).status_code == 200
    children = [home.child(p) for p in people]
    sync(client, credential, children)
    first, queued = stored(hub_app), count(hub_app, OutboxItem)
    encodings = count(hub_app, SimilarityEncoding)
    assert len(first) == 3 and all(len(digests) > 5 for _, _, digests in first.values())
    clock.now += timedelta(days=1)
    sync(client, credential, children)  # the next night, nothing changed
    assert stored(hub_app) == first
    assert (count(hub_app, OutboxItem), count(hub_app, SimilarityEncoding)) == (queued, encodings)
    clock.now += timedelta(days=1)
    moved = home.child(people[1], legal_status="V2")
    renamed = home.child(person(child_id=people[2].child_id, forename="Adaeze"))
    sync(client, credential, [children[0], moved, renamed])
    now = stored(hub_app)
    assert now[children[0].ref] == first[children[0].ref]
    assert now[moved.ref] == ("V2", clock.now, first[moved.ref][2])
    assert now[renamed.ref][1] == clock.now and now[renamed.ref][2] != first[renamed.ref][2]
    assert count(hub_app, OutboxItem) > queued  # the other's episode is linked again
    assert count(hub_app, SimilarityEncoding) == encodings


def test_after_an_epoch_purge_the_next_sync_stores_the_purged_tokens_again(
    client: TestClient, hub_app: FastAPI
) -> None:
    both = SharedKeyring({1: new_secret(), 2: new_secret()})
    home, other = CouncilSide(HOME, both), CouncilSide(OTHER, both)
    creds = {code: register_authority(hub_app, code) for code in (HOME, OTHER)}
    child = home.child(person())
    sync(client, creds[HOME], [child])
    sync(client, creds[OTHER], [other.child(person())])
    before = stored(hub_app)[child.ref][2]
    assert operator.purge_epoch(hub_app.state.hub, 1) > 0
    assert stored(hub_app)[child.ref][2] < before
    sync(client, creds[HOME], [child])  # home has not retired epoch 1 yet: it sends it again
    assert stored(hub_app)[child.ref][2] == before


def test_a_child_sent_again_with_only_new_neighbourhood_tokens_is_written(
    client: TestClient, hub_app: FastAPI
) -> None:
    shared = SharedKeyring.generate()
    home = CouncilSide(HOME, shared)
    credential = register_authority(hub_app, HOME)
    child = home.child(person())
    sync(client, credential, [child])
    before = stored(hub_app)[child.ref][2]
    assert child.similarity is not None
    near = list(NearTokens(shared.deriver())([("nhs", "6503115")]))
    with_near = child.model_copy(
        update={"similarity": child.similarity.model_copy(update={"near": near})}
    )
    sync(client, credential, [with_near])
    assert len(stored(hub_app)[child.ref][2] - before) == len(near)
