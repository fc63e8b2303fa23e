"""The story the browser tests act out: Birmingham looks after a child; Bristol reports a child
missing who turns out to be them. Sent through the hub's API over HTTP, like connectors do."""

import uuid
from datetime import timedelta

import httpx2 as httpx

from connectors.sources import IdentityRow
from tests.browser.conftest import HOME, REPORTER, Hub
from tests.factories import batch, person


def _post(hub: Hub, code: str, path: str, body: object, **headers: str) -> None:
    auth = {"Authorization": f"Bearer {hub.credentials[code]}", **headers}
    answer = httpx.post(f"{hub.url}{path}", json=body, headers=auth, timeout=30)
    assert answer.status_code == 200, answer.text


def looked_after_child(hub: Hub) -> IdentityRow:
    """Birmingham's nightly sync: a child in its care (full care order, children's home)."""
    child = person()
    record = hub.sides[HOME].child(child, legal_status="C2", placement_type="K2")
    _post(
        hub, HOME, "/v1/records", batch(children=[record]), **{"Idempotency-Key": uuid.uuid4().hex}
    )
    return child


def reported_missing(hub: Hub, child: IdentityRow) -> None:
    """Tonight Bristol's duty team reports the child missing (30 minutes ago)."""
    event = hub.sides[REPORTER].event(
        person(**_same(child)), at=hub.clock.now - timedelta(minutes=30)
    )
    _post(hub, REPORTER, "/v1/events", event.model_dump(mode="json"))


def _same(child: IdentityRow) -> dict[str, object]:
    """The same child as Bristol records them (its own id)."""
    return {
        "forename": child.forename,
        "surname": child.surname,
        "dob": child.dob,
        "sex": child.sex,
        "nhs_number": child.nhs_number,
        "postcode": child.postcode,
    }
