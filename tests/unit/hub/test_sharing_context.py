"""The policy engine's view of a link, from plain values: who plays which role, and the facts
in the words a duty team reads."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from hub.identity.values import AuthorityFacts
from hub.linking.values import Link
from hub.records.values import ChildFacts, EpisodeFacts
from hub.sharing.context import MATCH_STATUS, event_context, roles
from policies import Identification

HOME, AREA, REPORTER = "E08000025", "E08000003", "E06000023"
TODAY = date(2026, 11, 25)


def link(identified_by: Identification, placement_authority: str | None = AREA) -> Link:
    episode = EpisodeFacts(7, REPORTER, None, None, "M", date(2026, 11, 24), None, None, None)
    child = ChildFacts(3, HOME, "s1.ab", "C2", "K2", placement_authority, date(2026, 1, 5))
    return Link("HW-0123456789AB", episode, child, identified_by)


def facts(code: str, active_council: bool = True) -> AuthorityFacts:
    return AuthorityFacts(code, f"Council {code}", f"Duty team {code}", active_council)


EVERYONE = {code: facts(code) for code in (HOME, AREA, REPORTER)}


def test_a_possible_match_is_for_the_responsible_authority_only() -> None:
    assert roles(link(Identification.POSSIBLE), EVERYONE) == {"responsible": HOME}


def test_a_link_names_reporter_and_an_active_area_council() -> None:
    assert roles(link(Identification.LINKED), EVERYONE) == {
        "responsible": HOME,
        "reporting": REPORTER,
        "area": AREA,
    }


@pytest.mark.parametrize(
    ("authorities", "placement_authority"),
    [
        ({**EVERYONE, AREA: facts(AREA, active_council=False)}, AREA),  # revoked, or no council
        ({code: f for code, f in EVERYONE.items() if code != AREA}, AREA),  # not registered
        (EVERYONE, None),  # placed at home
    ],
    ids=["inactive", "unregistered", "no-area"],
)
def test_the_area_authority_is_told_only_when_an_active_council(
    authorities: dict[str, AuthorityFacts], placement_authority: str | None
) -> None:
    found = roles(link(Identification.LINKED, placement_authority), authorities)
    assert found == {"responsible": HOME, "reporting": REPORTER}


@pytest.mark.parametrize(
    ("identified_by", "prose"),
    [
        (Identification.OWN_RECORD, "reported by the responsible authority"),
        (Identification.LINKED, "linked automatically"),
        (Identification.POSSIBLE, "possible match: needs review"),
    ],
)
def test_facts_state_the_match_in_words(identified_by: Identification, prose: str) -> None:
    context = event_context(link(identified_by), EVERYONE, TODAY)
    assert context.facts["match_status"] == MATCH_STATUS[identified_by] == prose
    assert context.identified_by is identified_by
    assert context.facts["responsible_authority_name"] == f"Council {HOME}"
    assert context.facts["area_authority"] == AREA
    assert context.own_references == {"responsible": "s1.ab", "reporting": None}


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 7, 24, 21, 30, tzinfo=UTC), "2026-07-24T22:30:00+01:00"),
        (datetime(2026, 11, 24, 21, 30, tzinfo=UTC), "2026-11-24T21:30:00+00:00"),
        (datetime(2026, 7, 24, 21, 30), "2026-07-24T22:30:00+01:00"),  # stored without zone: UTC
    ],
    ids=["summer", "winter", "naive"],
)
def test_times_carry_their_offset_in_europe_london(stored: datetime, shown: str) -> None:
    episode = replace(link(Identification.LINKED).episode, started_at=stored)
    context = event_context(replace(link(Identification.LINKED), episode=episode), EVERYONE, TODAY)
    assert context.facts["started_at"] == shown


def test_the_context_names_the_disclosing_councils_and_the_confidential_flag() -> None:
    secret = replace(link(Identification.POSSIBLE).child, confidential_location=True)
    context = event_context(replace(link(Identification.POSSIBLE), child=secret), EVERYONE, TODAY)
    assert context.disclosers == {"responsible": HOME, "reporting": REPORTER}
    assert context.roles == {"responsible": HOME}  # the reporter discloses, but is not told
    assert context.confidential_location is True
