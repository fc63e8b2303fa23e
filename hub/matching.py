"""The link decision: pure, order independent, never a score.

Outcomes: ``link`` (one child, on evidence unique at the hub and not contradicted),
``review`` (ambiguous or contradicted candidates; never auto-notifies), or ``none``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ID_KEYS = frozenset({"nhs", "upn"})
STRONG_NAME_KEYS = frozenset({"name_dob_sex"})

Outcome = Literal["link", "review", "none"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A child of another authority sharing at least one token with the episode."""

    child_id: int
    agreeing: frozenset[str]  # key types with a shared token
    held: frozenset[str]  # key types the child has any token for


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    child_id: int | None = None
    review: tuple[int, ...] = ()


def _contradicted(c: Candidate, episode_types: frozenset[str]) -> bool:
    """Both sides hold an ID of the same type, and it differs."""
    return any(t in c.held and t in episode_types and t not in c.agreeing for t in ID_KEYS)


def decide(candidates: Sequence[Candidate], episode_types: frozenset[str]) -> Decision:
    if not candidates:
        return Decision("none")
    by_id = [c for c in candidates if c.agreeing & ID_KEYS]
    if len(by_id) == 1 and not _contradicted(by_id[0], episode_types):
        return Decision("link", by_id[0].child_id)
    if by_id:
        return _review(by_id)
    strong = [c for c in candidates if c.agreeing & STRONG_NAME_KEYS]
    if len(strong) == 1 and not _contradicted(strong[0], episode_types):
        return Decision("link", strong[0].child_id)
    return _review(strong or list(candidates))


def _review(candidates: Sequence[Candidate]) -> Decision:
    return Decision("review", review=tuple(sorted(c.child_id for c in candidates)))
