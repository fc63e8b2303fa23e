"""Sharing: looks up the authorities a link involves and asks the policies for grants."""

from datetime import date

from sqlmodel import Session

from hub.identity.service import authority_facts
from hub.identity.values import AuthorityFacts
from hub.linking.values import Link
from hub.sharing.context import event_context
from policies import Grant, PolicySet


def _authorities(session: Session, link: Link) -> dict[str, AuthorityFacts]:
    codes = {link.child.authority, link.episode.authority, link.child.placement_authority}
    found = {code: authority_facts(session, code) for code in codes if code}
    return {code: facts for code, facts in found.items() if facts is not None}


def grants_for(session: Session, link: Link, policies: PolicySet, today: date) -> list[Grant]:
    return policies.decide(event_context(link, _authorities(session, link), today))
