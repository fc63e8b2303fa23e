"""The policy engine's view of a link: pure, from plain values.

Which authorities play which role, and every fact a policy may grant, in the words a duty team
reads (the only place a match outcome becomes prose).
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hub.identity.values import AuthorityFacts
from hub.linking.values import Link
from policies import EventContext, Identification
from policies.engine import Role

MATCH_STATUS = {
    Identification.OWN_RECORD: "reported by the responsible authority",
    Identification.LINKED: "linked automatically",
    Identification.POSSIBLE: "possible match: needs review",
}
CONFIRMED_STATUS = "possible match confirmed by the responsible authority"

Authorities = Mapping[str, AuthorityFacts]
LONDON = ZoneInfo("Europe/London")


def _iso(value: date | datetime | None) -> str | None:
    """ISO 8601; a time carries its offset, shown in Europe/London (a stored time without a
    zone is UTC)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(LONDON).isoformat()
    return value.isoformat() if value is not None else None


def _authority_facts(
    authorities: Authorities, role: str, code: str | None
) -> dict[str, str | None]:
    found = authorities.get(code) if code else None
    return {
        f"{role}_authority": code,
        f"{role}_authority_name": found.name if found else None,
        f"{role}_authority_contact": found.contact if found else None,
    }


def roles(link: Link, authorities: Authorities) -> dict[Role, str]:
    """A possible match is for the responsible authority's eyes only; the area authority is
    told only when it is a registered, active council."""
    found: dict[Role, str] = {"responsible": link.child.authority}
    if link.identified_by is Identification.POSSIBLE:
        return found
    found["reporting"] = link.episode.authority
    area = link.child.placement_authority
    if area and (facts := authorities.get(area)) is not None and facts.active_council:
        found["area"] = area
    return found


def event_context(link: Link, authorities: Authorities, today: date) -> EventContext:
    episode, child = link.episode, link.child
    facts: dict[str, str | None] = {
        "event": link.event,
        "episode_kind": episode.kind,
        "start": _iso(episode.start),
        "end": _iso(episode.end),
        "started_at": _iso(episode.started_at),
        "ended_at": _iso(episode.ended_at),
        "case_reference": link.case_reference,
        "match_status": CONFIRMED_STATUS if link.confirmed else MATCH_STATUS[link.identified_by],
        "legal_status": child.legal_status,
        "placement_type": child.placement_type,
        "placed_since": _iso(child.placed_since),
        **_authority_facts(authorities, "responsible", child.authority),
        **_authority_facts(authorities, "reporting", episode.authority),
        **_authority_facts(authorities, "area", child.placement_authority),
    }
    return EventContext(
        event=link.event,
        identified_by=link.identified_by,
        event_date=episode.end or episode.start,
        today=today,
        roles=roles(link, authorities),
        facts=facts,
        disclosers={"responsible": child.authority, "reporting": episode.authority},
        own_references={"responsible": child.sealed_id, "reporting": episode.sealed_id},
        confidential_location=child.confidential_location,
    )
