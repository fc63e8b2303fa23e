"""Linking service: finds candidates for an episode, asks the pure ``decide`` for a decision,
and records the match. Order independent: an episode is always linked against the children
present now, whichever arrived first."""

import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.linking.candidates import CandidateIndex, SqlCandidateIndex
from hub.linking.decide import decide
from hub.linking.models import Match
from hub.linking.values import Link
from hub.records.models import Child, Episode, MatchToken
from hub.records.service import CHILD, EPISODE, child_facts, episode_facts
from hub.records.values import EpisodeFacts, StoredChild
from policies import Identification

AUDITED_OUTCOME = {
    Identification.LINKED: AuditAction.MATCH_LINK,
    Identification.POSSIBLE: AuditAction.MATCH_REVIEW,
}


def _episode_digests(session: Session, episode_id: int) -> list[tuple[str, bytes]]:
    return [
        (key_type, digest)
        for key_type, digest in session.exec(
            select(MatchToken.key_type, MatchToken.digest).where(
                MatchToken.owner_kind == EPISODE, MatchToken.owner_id == episode_id
            )
        )
    ]


def _record_match(
    session: Session, episode_id: int, child_id: int, outcome: Identification, now: datetime
) -> Match:
    existing = session.exec(
        select(Match).where(Match.episode_id == episode_id, Match.child_id == child_id)
    ).first()
    if existing is not None:
        if existing.outcome != outcome:
            existing.outcome = outcome
            session.add(existing)
        return existing
    match = Match(
        id="HW-" + secrets.token_hex(6).upper(),
        episode_id=episode_id,
        child_id=child_id,
        outcome=outcome,
        created_at=now,
    )
    session.add(match)
    return match


def _own_child(session: Session, episode: EpisodeFacts) -> Child | None:
    return session.exec(
        select(Child).where(Child.authority == episode.authority, Child.ref == episode.child_ref)
    ).first()


def link_episode(
    session: Session,
    audit: AuditLog,
    episode: EpisodeFacts,
    now: datetime,
    index: CandidateIndex | None = None,
) -> list[Link]:
    """Which child this episode is about: one (own record or automatic link), several possible
    matches that need review, or none. Every decision made by match keys is audited."""
    if episode.child_ref is not None:
        child = _own_child(session, episode)
        if child is not None:
            return [_joined(session, episode, child, Identification.OWN_RECORD, now)]
    digests = _episode_digests(session, episode.id)
    search = index or SqlCandidateIndex(session)
    found = search.candidates(digests, exclude_authority=episode.authority)
    decision = decide(found, frozenset(t for t, _ in digests))
    if decision.outcome is Identification.LINKED and decision.child_id is not None:
        chosen: tuple[int, ...] = (decision.child_id,)
    elif decision.outcome is Identification.POSSIBLE:
        chosen = decision.review
    else:
        return []
    links = [
        _joined(session, episode, session.get_one(Child, cid), decision.outcome, now)
        for cid in chosen
    ]
    for link in links:
        audit.append(
            session,
            now,
            actor="hub",
            action=AUDITED_OUTCOME[link.identified_by],
            subject=link.case_reference,
            detail={"reporting": episode.authority, "responsible": link.child.authority},
        )
    return links


def _joined(
    session: Session,
    episode: EpisodeFacts,
    child: Child,
    outcome: Identification,
    now: datetime,
) -> Link:
    facts = child_facts(child)
    match = _record_match(session, episode.id, facts.id, outcome, now)
    return Link(match.id, episode, facts, outcome)


def episodes_sharing_tokens(
    session: Session, children: Iterable[StoredChild]
) -> list[EpisodeFacts]:
    """Episodes of other authorities that hold a token of any of these children."""
    by_authority: dict[str, list[int]] = defaultdict(list)
    for child in children:
        by_authority[child.authority].append(child.id)
    episode_ids: set[int] = set()
    for authority, child_ids in by_authority.items():
        digests = select(MatchToken.digest).where(
            MatchToken.owner_kind == CHILD, col(MatchToken.owner_id).in_(child_ids)
        )
        episode_ids.update(
            session.exec(
                select(MatchToken.owner_id).where(
                    MatchToken.owner_kind == EPISODE,
                    MatchToken.authority != authority,
                    col(MatchToken.digest).in_(digests),
                )
            )
        )
    if not episode_ids:
        return []
    rows = session.exec(
        select(Episode).where(col(Episode.id).in_(sorted(episode_ids))).order_by(col(Episode.id))
    )
    return [episode_facts(row) for row in rows]


def own_episodes(session: Session, children: Iterable[StoredChild]) -> list[EpisodeFacts]:
    """Episodes an authority recorded about its own children (joined by child reference)."""
    by_authority: dict[str, list[str]] = defaultdict(list)
    for child in children:
        by_authority[child.authority].append(child.ref)
    found: list[EpisodeFacts] = []
    for authority, refs in by_authority.items():
        rows = session.exec(
            select(Episode).where(Episode.authority == authority, col(Episode.child_ref).in_(refs))
        )
        found.extend(episode_facts(row) for row in rows)
    return found
