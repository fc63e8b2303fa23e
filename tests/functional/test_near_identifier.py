"""An identifier without a check digit, one typo away, through the real app (docs/matchkeys.md
section 8.5): the neighbourhood tokens travel with the second stage's encoding, are stored as
token rows, and tell the hub a typo from another identifier."""

from collections.abc import Callable
from typing import TypeVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from connectors.idnear import NearTokens
from hub import wire
from hub.linking.decide import ID_NEAR, OPAQUE_ID
from hub.records.models import MatchToken
from keys import SharedKeyring
from tests.factories import CouncilSide, person
from tests.functional.conftest import register_authority
from tests.functional.test_matching_flow import inbox, report, send
from tests.functional.test_second_stage_hub import CHILD, HOME, NEAR_MISS, REPORTER, status

KEYRING = SharedKeyring({1: bytes(range(32))})  # fixed: the filters' closeness is pinned
ID = "6503115"
R = TypeVar("R", wire.ChildRecord, wire.EpisodeRecord)


def with_identifier(record: R, identifier: str) -> R:
    """What a connector for an identifier scheme without a check digit adds: the identifier's
    own key and its neighbourhood tokens."""
    deriver = KEYRING.deriver()
    key = wire.MatchKey(
        type=OPAQUE_ID, epoch=1, token=deriver.token_function(OPAQUE_ID)(identifier)
    )
    assert record.similarity is not None
    near = list(NearTokens(deriver)([("nhs", identifier)]))
    return record.model_copy(
        update={
            "match_keys": [*record.match_keys, key],
            "similarity": record.similarity.model_copy(update={"near": near}),
        }
    )


@pytest.fixture
def told(hub_app: FastAPI, client: TestClient) -> Callable[[str], list[dict[str, object]]]:
    """Upload the home council's child with ``ID``, then a report (a day out, the neighbouring
    district) carrying the given identifier; returns what the home council is told."""
    home, reporter = CouncilSide(HOME, KEYRING), CouncilSide(REPORTER, KEYRING)
    home_cred, reporter_cred = (register_authority(hub_app, c) for c in (HOME, REPORTER))

    def run(identifier: str) -> list[dict[str, object]]:
        child = home.child(person(**{**CHILD, "nhs_number": None, "postcode": "B1 1AA"}))
        send(client, home_cred, children=[with_identifier(child, ID)])
        event = reporter.event(person(nhs_number=None, **NEAR_MISS))
        report(client, reporter_cred, with_identifier(event, identifier))
        return inbox(client, home_cred)

    return run


def test_an_identifier_one_digit_out_links(told: Callable[[str], list[dict[str, object]]]) -> None:
    assert status(told("6503215")) == ["linked automatically"]


def test_an_identifier_with_two_digits_swapped_links(
    told: Callable[[str], list[dict[str, object]]],
) -> None:
    assert status(told("6530115")) == ["linked automatically"]


def test_another_identifier_is_only_reviewed(
    told: Callable[[str], list[dict[str, object]]],
) -> None:
    """Two digits out: another identifier. It contradicts the link; the filters still ask a
    person to look, as without any identifier."""
    assert status(told("6513215")) == ["possible match: needs review"]


def test_neighbourhood_tokens_are_stored_rekeyed_with_the_record(
    hub_app: FastAPI, client: TestClient
) -> None:
    home = CouncilSide(HOME, KEYRING)
    credential = register_authority(hub_app, HOME)
    record = with_identifier(home.child(person(**CHILD)), ID)
    send(client, credential, children=[record])
    with Session(hub_app.state.hub.engine) as session:
        stored = session.exec(select(MatchToken.digest).where(MatchToken.key_type == ID_NEAR)).all()
        assert record.similarity is not None
        assert len(stored) == len(record.similarity.near) == 2 * len(ID) - 1
        assert not {d.hex() for d in stored} & set(record.similarity.near)  # re-keyed
    send(client, credential, removed_children=[record.ref])
    with Session(hub_app.state.hub.engine) as session:
        left = select(MatchToken).where(col(MatchToken.key_type) == ID_NEAR)
        assert session.exec(left).all() == []
