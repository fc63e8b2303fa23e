"""Rotation through the real app on SQLite and PostgreSQL: two councils move to a new shared
epoch at different times and matching never breaks; a council left on an epoch nobody else uses
is told so; the old epoch is purged once everyone has moved; the hub key is rotated and every
stored digest re-keyed, and matching works before, during and after."""

import itertools

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from connectors.pseudonymise import Pseudonymiser
from hub import operator, wire
from hub.app import create_app
from hub.errors import InvalidRequest
from hub.records import rekey
from hub.records.models import MatchToken
from hub.settings import HubSettings
from keys import HubKeyring, SharedKeyring, Token, add_hub_key_version, new_secret, read_hub_key
from tests.factories import CouncilSide, person
from tests.functional.conftest import Clock, bearer, register_authority

HOME, REPORTER, THIRD = "E08000025", "E06000023", "E09000007"
_events = itertools.count(1)


def moved(side: CouncilSide, keyring: SharedKeyring) -> None:
    """The council installs or retires an epoch: same council key, new shared keyring."""
    side.keyring = keyring
    side.pseudonymiser = Pseudonymiser(keyring, side.council_key)


def upload(client: TestClient, credential: str, child: wire.ChildRecord) -> wire.BatchReceipt:
    response = client.post(
        "/v1/records",
        json={"children": [child.model_dump(mode="json")]},
        headers={**bearer(credential), "Idempotency-Key": f"k-{next(_events)}"},
    )
    assert response.status_code == 200, response.text
    return wire.BatchReceipt.model_validate(response.json())


def report(client: TestClient, credential: str, event: wire.EpisodeRecord) -> wire.BatchReceipt:
    response = client.post(
        "/v1/events", json=event.model_dump(mode="json"), headers=bearer(credential)
    )
    assert response.status_code == 200, response.text
    return wire.BatchReceipt.model_validate(response.json())


def links_to_home(client: TestClient, home_cred: str) -> int:
    response = client.get(
        "/v1/notifications", params={"include_acknowledged": True}, headers=bearer(home_cred)
    )
    return len(response.json()["notifications"])


def test_matching_never_breaks_while_two_councils_rotate_at_different_times(
    client: TestClient, hub_app: FastAPI
) -> None:
    old, new = new_secret(), new_secret()
    one, both, two = (
        SharedKeyring({1: old}),
        SharedKeyring({1: old, 2: new}),
        SharedKeyring({2: new}),
    )
    home, reporter = CouncilSide(HOME, one), CouncilSide(REPORTER, one)
    home_cred, reporter_cred = (
        register_authority(hub_app, HOME),
        register_authority(hub_app, REPORTER),
    )
    child = person(nhs_number=None)
    steps = [(one, one), (both, one), (both, both), (two, both), (two, two)]
    for count, (home_ring, reporter_ring) in enumerate(steps, start=1):
        moved(home, home_ring)
        moved(reporter, reporter_ring)
        upload(client, home_cred, home.child(child))  # the nightly sync, under its epochs
        report(client, reporter_cred, reporter.event(child, event_id=f"EV-{count}"))
        assert links_to_home(client, home_cred) == count, (home_ring.epochs, reporter_ring.epochs)
    context = hub_app.state.hub
    assert operator.purge_epoch(context, 1) > 0  # everyone sends epoch 2 as well
    report(client, reporter_cred, reporter.event(child, event_id="EV-after-purge"))
    assert links_to_home(client, home_cred) == len(steps) + 1


def test_a_council_left_on_an_old_epoch_is_told_and_purging_waits_for_it(
    client: TestClient, hub_app: FastAPI
) -> None:
    old, new = new_secret(), new_secret()
    home, third = (
        CouncilSide(HOME, SharedKeyring({1: old, 2: new})),
        CouncilSide(THIRD, SharedKeyring({2: new})),
    )
    reporter = CouncilSide(REPORTER, SharedKeyring({1: old}))
    creds = {code: register_authority(hub_app, code) for code in (HOME, REPORTER, THIRD)}
    assert upload(client, creds[HOME], home.child(person())).warnings == []
    # The reporter has not installed epoch 2 yet: it still matches, and is told to move.
    [behind] = upload(client, creds[REPORTER], reporter.child(person())).warnings
    assert "epoch 2 is in use" in behind and "install epoch 2" in behind
    with pytest.raises(InvalidRequest, match=f"{REPORTER} still send"):
        operator.purge_epoch(hub_app.state.hub, 1)
    # Everyone else has moved on: the reporter's tokens can match nothing, and it is told so.
    moved(home, SharedKeyring({2: new}))
    upload(client, creds[HOME], home.child(person()))
    operator.purge_epoch(hub_app.state.hub, 1, force=True)
    upload(client, creds[THIRD], third.child(person()))
    [alone] = report(client, creds[REPORTER], reporter.event(person())).warnings
    assert "no other authority sends tokens under epoch 1" in alone
    assert "newest epoch is 2" in alone


def test_the_hub_key_rotates_and_matching_works_before_and_after_the_rekey(
    hub_settings: HubSettings, clock: Clock
) -> None:
    keyring = SharedKeyring.generate()
    home, reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
    app = create_app(hub_settings, clock=clock)
    home_cred, reporter_cred = register_authority(app, HOME), register_authority(app, REPORTER)
    child = person()
    with TestClient(app) as client:
        upload(client, home_cred, home.child(child))
    app.state.hub.engine.dispose()
    assert add_hub_key_version(hub_settings.key_file) == 2
    rotated = create_app(hub_settings, clock=clock)  # restarted with versions 1 and 2
    with TestClient(rotated) as client:
        report(client, reporter_cred, reporter.event(child, event_id="EV-before"))
        assert links_to_home(client, home_cred) == 1  # still storing under version 1
        done = operator.rekey(rotated.state.hub)
        assert (done.before, done.after) == (1, 2) and done.tokens > 0
        report(client, reporter_cred, reporter.event(child, event_id="EV-after"))
        assert links_to_home(client, home_cred) == 2
        upload(client, home_cred, home.child(child))  # re-sent: stored under version 2
        report(client, reporter_cred, reporter.event(child, event_id="EV-resent"))
        assert links_to_home(client, home_cred) == 3
    hub_keys = read_hub_key(hub_settings.key_file)
    match_key = home.child(child).match_keys[0]
    token = Token(match_key.type, match_key.epoch, match_key.token)
    with Session(rotated.state.hub.engine) as session:
        rows = session.exec(select(MatchToken)).all()
        digests = {r.digest for r in rows}
    assert {r.hub_key_version for r in rows} == {2}
    assert hub_keys.rekey(token, 2) in digests
    assert hub_keys.rekey(token, 1) not in digests  # a leaked version-1 key maps nothing now
    rotated.state.hub.engine.dispose()


def stored_digests(app: FastAPI) -> set[bytes]:
    with Session(app.state.hub.engine) as session:
        return {r.digest for r in session.exec(select(MatchToken))}


def digests_of(hub_keys: HubKeyring, record: wire.ChildRecord, epoch: int) -> set[bytes]:
    return {
        hub_keys.rekey(Token(k.type, k.epoch, k.token))
        for k in record.match_keys
        if k.epoch == epoch
    }


def test_after_a_leaked_epoch_is_rotated_out_the_leaked_secret_maps_nothing(
    client: TestClient, hub_app: FastAPI
) -> None:
    """Compromise recovery for a leaked shared secret: even a thief holding the leaked epoch's
    secret and the hub key finds none of its guesses in the database after the purge."""
    leaked, fresh = new_secret(), new_secret()
    home, reporter = (
        CouncilSide(HOME, SharedKeyring({1: leaked})),
        CouncilSide(REPORTER, SharedKeyring({1: leaked})),
    )
    home_cred, reporter_cred = (
        register_authority(hub_app, HOME),
        register_authority(hub_app, REPORTER),
    )
    child = person()
    upload(client, home_cred, home.child(child))
    hub_keys = hub_app.state.hub.services.hub_keys
    guessed = digests_of(hub_keys, home.child(child), 1)  # what the thief can compute
    assert guessed <= stored_digests(hub_app)
    for side, cred in ((home, home_cred), (reporter, reporter_cred)):
        moved(side, SharedKeyring({1: leaked, 2: fresh}))
        upload(client, cred, side.child(child if side is home else person()))
    operator.purge_epoch(hub_app.state.hub, 1)
    for side in (home, reporter):
        moved(side, SharedKeyring({2: fresh}))
    upload(client, home_cred, home.child(child))
    assert not guessed & stored_digests(hub_app)
    report(client, reporter_cred, reporter.event(child, event_id="EV-after-recovery"))
    assert links_to_home(client, home_cred) == 1  # and matching works on the new epoch


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_rekey_waits_for_an_ingest_in_progress_and_ingests_do_not_wait_for_each_other(
    hub_app: FastAPI,
) -> None:
    context = hub_app.state.hub
    hub_keys, audit = context.services.hub_keys, context.services.audit
    with context.transaction() as ingest:
        rekey.storing_version(ingest, hub_keys)
        with context.transaction() as another:
            another.execute(text("SET LOCAL lock_timeout = '5s'"))  # fail rather than wait
            rekey.storing_version(another, hub_keys)
        with pytest.raises(OperationalError, match="lock timeout"), context.transaction() as key:
            key.execute(text("SET LOCAL lock_timeout = '200ms'"))
            rekey.rekey_stored(key, hub_keys, audit, context.clock())
