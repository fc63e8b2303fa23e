"""Sharing: turns a link into the policy engine's event context and asks for grants."""

from datetime import date, datetime

from sqlmodel import Session

from hub import store
from hub.linking import Link
from policies import EventContext, Grant, PolicySet
from policies.engine import Role

EVENT_BY_KIND = {"M": "missing", "A": "away"}
MATCH_STATUS = {
    "own_record": "reported by the responsible authority",
    "linked": "linked automatically",
    "possible": "possible match: needs review",
}


def event_of(episode: store.Episode) -> str:
    return "found" if episode.end is not None else EVENT_BY_KIND[episode.kind]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _authority_facts(session: Session, role: str, code: str | None) -> dict[str, str | None]:
    found = session.get(store.Authority, code) if code else None
    return {
        f"{role}_authority": code,
        f"{role}_authority_name": found.name if found else None,
        f"{role}_authority_contact": found.contact if found else None,
    }


def registered(session: Session, code: str | None) -> bool:
    found = session.get(store.Authority, code) if code else None
    return found is not None and found.revoked_at is None and found.role == "council"


def context(session: Session, link: Link, today: date) -> EventContext:
    episode, child = link.episode, link.child
    event = event_of(episode)
    roles: dict[Role, str] = {"responsible": child.authority}
    if link.identified_by != "possible":  # a possible match is for the responsible eyes only
        roles["reporting"] = episode.authority
        if registered(session, child.placement_authority) and child.placement_authority:
            roles["area"] = child.placement_authority
    facts: dict[str, str | None] = {
        "event": event,
        "episode_kind": episode.kind,
        "start": _iso(episode.start),
        "end": _iso(episode.end),
        "started_at": _iso(episode.started_at),
        "ended_at": _iso(episode.ended_at),
        "case_reference": link.match.id,
        "match_status": MATCH_STATUS[link.identified_by],
        "legal_status": child.legal_status,
        "placement_type": child.placement_type,
        "placed_since": _iso(child.placed_since),
        **_authority_facts(session, "responsible", child.authority),
        **_authority_facts(session, "reporting", episode.authority),
        **_authority_facts(session, "area", child.placement_authority),
    }
    return EventContext(
        event=event,  # type: ignore[arg-type]  # event_of returns one of the three literals
        identified_by=link.identified_by,  # type: ignore[arg-type]
        event_date=episode.end or episode.start,
        today=today,
        roles=roles,
        facts=facts,
        own_references={"responsible": child.sealed_id, "reporting": episode.sealed_id},
    )


def decide(session: Session, link: Link, policies: PolicySet, today: date) -> list[Grant]:
    return policies.decide(context(session, link, today))
