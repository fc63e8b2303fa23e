"""Sharing: looks up the authorities a link involves and their policy signatures, and asks the
policies for grants."""

from datetime import date

from sqlmodel import Session

from hub.linking.values import Link
from hub.sharing import signatures
from hub.sharing.context import event_context
from policies import Grant, PolicySet


def _codes(link: Link) -> set[str]:
    codes = {link.child.authority, link.episode.authority, link.child.placement_authority}
    return {code for code in codes if code}


def grants_for(session: Session, link: Link, policies: PolicySet, today: date) -> list[Grant]:
    codes = _codes(link)
    facts, signed = signatures.parties(session, codes)
    return policies.decide(event_context(link, facts, today), signed)
