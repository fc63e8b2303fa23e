"""Linking service: finds candidates for an episode, asks the pure ``decide`` for a decision,
and records the match. Order independent: an episode is always linked against the children
present now, whichever arrived first.

Facts change: a report corrected under the same event id (other match keys), the true child
uploaded after a report that only looked like someone else's. Each time an episode is linked
again, its matches to children it no longer points at are withdrawn (``match.withdraw``), and a
match whose outcome changed (possible -> linked, or back) keeps its case reference but its
earlier notifications no longer stand; ``Relinked.withdrawn`` names both, for delivery to
withdraw (hub/delivery/inbox.py). A withdrawn match pointed at again is live again."""

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import Session, SQLModel, col, select

from hub import wire
from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.db import bulk
from hub.linking.candidates import CandidateIndex, SqlCandidateIndex
from hub.linking.decide import CONFIRMED, REJECTED, reviewed
from hub.linking.models import Match
from hub.linking.search import identify
from hub.linking.similarity import Encoded
from hub.linking.values import Link
from hub.records.encodings import BLOCK_TYPE
from hub.records.models import Child, Episode, MatchToken
from hub.records.service import CHILD, EPISODE, child_facts, episode_facts
from hub.records.values import EpisodeFacts, StoredChild
from policies import Identification

_TOKENS = SQLModel.metadata.tables["matchtoken"]
_ENCODED = SQLModel.metadata.tables["similarityencoding"]

AUDITED_OUTCOME = {
    Identification.LINKED: AuditAction.MATCH_LINK,
    Identification.POSSIBLE: AuditAction.MATCH_REVIEW,
}


def _episode_tokens(
    session: Session, episode_id: int
) -> tuple[list[tuple[str, bytes]], Encoded | None]:
    """The episode's tokens and, if its connector sent them, its second-stage filters: one
    statement (an episode without tokens has no candidate to compare them with)."""
    tokens, encoded = _TOKENS.c, _ENCODED.c
    filters = and_(encoded.owner_kind == EPISODE, encoded.owner_id == tokens.owner_id)
    rows = session.execute(
        select(tokens.key_type, tokens.digest, encoded.names, encoded.born)
        .select_from(_TOKENS.outerjoin(_ENCODED, filters))
        .where(tokens.owner_kind == EPISODE, tokens.owner_id == episode_id)
    ).all()
    names, born = (rows[0][2], rows[0][3]) if rows else (None, None)
    query = (
        None
        if names is None or born is None
        else Encoded(-1, int.from_bytes(names, "big"), int.from_bytes(born, "big"))
    )
    return [(key_type, digest) for key_type, digest, _, _ in rows], query


@dataclass(frozen=True, slots=True)
class Relinked:
    """What an episode is linked to now, and the case references whose notifications no longer
    stand: matches to children it no longer points at, and matches whose outcome changed (a
    possible match now linked, or a link now only possible)."""

    links: list[Link]
    withdrawn: tuple[str, ...] = ()


def _record_match(
    session: Session,
    existing: Match | None,
    episode_id: int,
    child_id: int,
    outcome: Identification,
    now: datetime,
) -> tuple[Match, bool]:
    """The live match, and whether a live match existed with another outcome."""
    if existing is None:
        existing = Match(
            id="HW-" + secrets.token_hex(6).upper(),
            episode_id=episode_id,
            child_id=child_id,
            outcome=outcome,
            created_at=now,
        )
        session.add(existing)
        return existing, False
    changed = existing.withdrawn_at is None and existing.outcome != outcome
    existing.outcome, existing.withdrawn_at = outcome, None
    session.add(existing)
    return existing, changed


def _own_child(session: Session, episode: EpisodeFacts) -> Child | None:
    return session.exec(
        select(Child).where(Child.authority == episode.authority, Child.ref == episode.child_ref)
    ).first()


def _matches(session: Session, episode_id: int) -> dict[int, Match]:
    """Every match of this episode, live or withdrawn, by child: read once per linking."""
    rows = session.exec(select(Match).where(Match.episode_id == episode_id).order_by(col(Match.id)))
    return {m.child_id: m for m in rows}


def _decide(
    session: Session,
    episode: EpisodeFacts,
    index: CandidateIndex | None,
    matches: dict[int, Match],
) -> tuple[tuple[int, ...], Identification | None]:
    """The children this episode is about now, and how they were identified."""
    if episode.child_ref is not None:
        child = _own_child(session, episode)
        if child is not None and child.id is not None:
            return (child.id,), Identification.OWN_RECORD
    tokens, query = _episode_tokens(session, episode.id)
    digests = [(t, d) for t, d in tokens if t != BLOCK_TYPE]
    decision = identify(
        index or SqlCandidateIndex(session),
        digests,
        exclude_authority=episode.authority,
        query=query,
        blocks=[d for t, d in tokens if t == BLOCK_TYPE],
    )
    if decision.outcome is Identification.LINKED and decision.child_id is not None:
        return (decision.child_id,), decision.outcome
    if decision.outcome is Identification.POSSIBLE:
        resolutions = {c: m.resolution for c, m in matches.items() if m.resolution}
        return reviewed(decision.review, resolutions)
    return (), None


def _withdraw_others(
    session: Session,
    audit: AuditLog,
    matches: Iterable[Match],
    keep: tuple[int, ...],
    now: datetime,
) -> list[str]:
    """Withdraw the live matches of this episode to children it no longer points at."""
    stale = [m for m in matches if m.withdrawn_at is None and m.child_id not in keep]
    for match in stale:
        match.withdrawn_at = now
        session.add(match)
        audit.append(
            session,
            now,
            actor="hub",
            action=AuditAction.MATCH_WITHDRAW,
            subject=match.id,
            detail={"outcome": match.outcome, "reason": "the episode no longer points here"},
        )
    return [m.id for m in stale]


def link_episode(
    session: Session,
    audit: AuditLog,
    episode: EpisodeFacts,
    now: datetime,
    index: CandidateIndex | None = None,
) -> Relinked:
    """Which child this episode is about: one (own record or automatic link), several possible
    matches that need review, or none; and which earlier matches no longer stand. Every decision
    made by match keys, and every withdrawal, is audited."""
    matches = _matches(session, episode.id)
    chosen, outcome = _decide(session, episode, index, matches)
    withdrawn = _withdraw_others(session, audit, matches.values(), chosen, now)
    if outcome is None:
        return Relinked([], tuple(withdrawn))
    links: list[Link] = []
    for child_id in chosen:
        facts = child_facts(session.get_one(Child, child_id))
        match, changed = _record_match(
            session, matches.get(child_id), episode.id, child_id, outcome, now
        )
        links.append(Link(match.id, episode, facts, outcome, match.resolution == CONFIRMED))
        withdrawn.extend([match.id] if changed else [])
    for link in links:
        if link.identified_by in AUDITED_OUTCOME:
            audit.append(
                session,
                now,
                actor="hub",
                action=AUDITED_OUTCOME[link.identified_by],
                subject=link.case_reference,
                detail={"reporting": episode.authority, "responsible": link.child.authority},
            )
    return Relinked(links, tuple(withdrawn))


def resolve_review(
    session: Session,
    audit: AuditLog,
    case_reference: str,
    reviewer: str,
    disposition: wire.Disposition,
    now: datetime,
) -> tuple[wire.Resolution | None, int]:
    """The responsible authority's verdict on a live possible match awaiting its review:
    confirmed (the next linking of the episode makes it a link) or false match (closed now,
    never shared again). Returns the resolution (None when the case is no such match of
    ``reviewer``'s child) and the episode to link again."""
    match = session.get(Match, case_reference)
    if match is None or match.withdrawn_at is not None or match.resolution is not None:
        return None, 0
    child = session.get(Child, match.child_id)
    if match.outcome != Identification.POSSIBLE or child is None or child.authority != reviewer:
        return None, 0
    resolution: wire.Resolution = CONFIRMED if disposition == "confirmed" else REJECTED
    match.resolution, match.resolved_at = resolution, now
    match.withdrawn_at = None if resolution == CONFIRMED else now
    session.add(match)
    audit.append(
        session,
        now,
        actor=reviewer,
        action=AuditAction.MATCH_RESOLVE,
        subject=match.id,
        detail={"resolution": resolution},
    )
    return resolution, match.episode_id


def live_links(session: Session, episode: EpisodeFacts) -> list[Link]:
    """The episode's live matches to a child (its own record, a link, a confirmed review)."""
    rows = session.exec(
        select(Match)
        .where(
            Match.episode_id == episode.id,
            col(Match.withdrawn_at).is_(None),
            Match.outcome != Identification.POSSIBLE,
        )
        .order_by(col(Match.id))
    )
    return [
        Link(
            m.id,
            episode,
            child_facts(session.get_one(Child, m.child_id)),
            Identification(m.outcome),
            m.resolution == CONFIRMED,
        )
        for m in rows
    ]


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
            MatchToken.owner_kind == CHILD, bulk.among(session, MatchToken.owner_id, child_ids)
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
            select(Episode).where(
                Episode.authority == authority, bulk.among(session, Episode.child_ref, refs)
            )
        )
        found.extend(episode_facts(row) for row in rows)
    return found
