"""Linking service: finds candidates for an episode through shared tokens, asks the pure
``matching.decide`` for a decision, and records the match. Order independent: an episode is
always linked against the children present now, whichever arrived first."""

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from hub import audit, matching, store
from hub.ingest import CHILD, EPISODE, StoredChild, row_id


@dataclass(frozen=True, slots=True)
class Link:
    """An episode joined to a child: the reporter's own record, an automatic link by match
    keys, or a possible match that the child's responsible authority must review."""

    episode: store.Episode
    child: store.Child
    match: store.Match
    identified_by: str  # own_record | linked | possible (a match that needs review)


def _episode_tokens(session: Session, episode_id: int) -> list[store.MatchToken]:
    return list(
        session.exec(
            select(store.MatchToken).where(
                store.MatchToken.owner_kind == EPISODE, store.MatchToken.owner_id == episode_id
            )
        )
    )


def candidates(
    session: Session, episode: store.Episode
) -> tuple[list[matching.Candidate], frozenset[str]]:
    tokens = _episode_tokens(session, row_id(episode))
    episode_types = frozenset(t.key_type for t in tokens)
    hits = session.exec(
        select(store.MatchToken).where(
            col(store.MatchToken.digest).in_([t.digest for t in tokens]),
            store.MatchToken.owner_kind == CHILD,
            store.MatchToken.authority != episode.authority,
        )
    )
    agreeing: dict[int, set[str]] = defaultdict(set)
    for hit in hits:
        agreeing[hit.owner_id].add(hit.key_type)
    held: dict[int, set[str]] = defaultdict(set)
    for owner_id, key_type in session.exec(
        select(store.MatchToken.owner_id, store.MatchToken.key_type).where(
            store.MatchToken.owner_kind == CHILD, col(store.MatchToken.owner_id).in_(list(agreeing))
        )
    ):
        held[owner_id].add(key_type)
    found = [
        matching.Candidate(cid, frozenset(types), frozenset(held[cid]))
        for cid, types in sorted(agreeing.items())
    ]
    return found, episode_types


def _record_match(
    session: Session, episode_id: int, child_id: int, decision: str, now: datetime
) -> store.Match:
    existing = session.exec(
        select(store.Match).where(
            store.Match.episode_id == episode_id, store.Match.child_id == child_id
        )
    ).first()
    if existing is not None:
        if existing.decision != decision:
            existing.decision = decision
            session.add(existing)
        return existing
    match = store.Match(
        id="HW-" + secrets.token_hex(6).upper(),
        episode_id=episode_id,
        child_id=child_id,
        decision=decision,
        created_at=now,
    )
    session.add(match)
    return match


def _own_child(session: Session, episode: store.Episode) -> store.Child | None:
    return session.exec(
        select(store.Child).where(
            store.Child.authority == episode.authority, store.Child.ref == episode.child_ref
        )
    ).first()


def link_episode(session: Session, episode: store.Episode, now: datetime) -> list[Link]:
    """Which child this episode is about: one (own record or automatic link), several possible
    matches that need review, or none. Every decision is audited."""
    if episode.child_ref is not None:
        child = _own_child(session, episode)
        if child is not None:
            match = _record_match(session, row_id(episode), row_id(child), "own", now)
            return [Link(episode, child, match, "own_record")]
    found, episode_types = candidates(session, episode)
    decision = matching.decide(found, episode_types)
    if decision.outcome == "link" and decision.child_id is not None:
        return [_linked(session, episode, decision.child_id, "link", now)]
    if decision.outcome == "review":
        return [_linked(session, episode, cid, "review", now) for cid in decision.review]
    return []


def _linked(
    session: Session, episode: store.Episode, child_id: int, decision: str, now: datetime
) -> Link:
    child = session.get_one(store.Child, child_id)
    match = _record_match(session, row_id(episode), child_id, decision, now)
    audit.append_at(
        session,
        now,
        actor="hub",
        action=f"match.{decision}",
        subject=match.id,
        detail={"reporting": episode.authority, "responsible": child.authority},
    )
    return Link(episode, child, match, "linked" if decision == "link" else "possible")


def episodes_sharing_tokens(
    session: Session, children: Iterable[StoredChild]
) -> list[store.Episode]:
    """Episodes of other authorities that hold a token of any of these children."""
    by_authority: dict[str, list[int]] = defaultdict(list)
    for child in children:
        by_authority[child.authority].append(child.id)
    episode_ids: set[int] = set()
    for authority, child_ids in by_authority.items():
        digests = select(store.MatchToken.digest).where(
            store.MatchToken.owner_kind == CHILD, col(store.MatchToken.owner_id).in_(child_ids)
        )
        episode_ids.update(
            session.exec(
                select(store.MatchToken.owner_id).where(
                    store.MatchToken.owner_kind == EPISODE,
                    store.MatchToken.authority != authority,
                    col(store.MatchToken.digest).in_(digests),
                )
            )
        )
    if not episode_ids:
        return []
    return list(
        session.exec(
            select(store.Episode)
            .where(col(store.Episode.id).in_(sorted(episode_ids)))
            .order_by(col(store.Episode.id))
        )
    )


def own_episodes(session: Session, children: Iterable[StoredChild]) -> list[store.Episode]:
    """Episodes an authority recorded about its own children (joined by child reference)."""
    by_authority: dict[str, list[str]] = defaultdict(list)
    for child in children:
        by_authority[child.authority].append(child.ref)
    found: list[store.Episode] = []
    for authority, refs in by_authority.items():
        found.extend(
            session.exec(
                select(store.Episode).where(
                    store.Episode.authority == authority, col(store.Episode.child_ref).in_(refs)
                )
            )
        )
    return found
