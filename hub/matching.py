"""The link decision: pure, order independent, never a score.

For one episode (the query) the hub sees the children of other authorities that share at least
one match-key token with it, which key types agree, and which key types each side holds. From
that alone it decides (match-key specification v1, docs/matchkeys.md, "Decision rule").

A key type is *unique* for a candidate when no other candidate agrees on it and no other query
of a different identity holds the same token (``Candidate.crowded``). A *rival* is another
candidate that also looks like the query on given name and date of birth (it agrees on
``name_dob`` or ``fore_dob_district``, or on two key types) and that no identifier rules out.
A candidate is *contradicted* when both sides hold an identifier of the same type and it differs.

``link``: exactly one candidate, not contradicted and without rivals, has either

* a unique identifier key (NHS number or UPN); or
* a unique location key (``fore_dob_district`` or ``name_yob_district``) and a second unique
  name key of another type: given name, date of birth and postcode district agree through two
  different keys. Name and date of birth alone, however exact, never link: namesakes born on
  the same day are common enough (above all among children whose birthday is recorded as
  1 January) to break the precision target.

``review``: "possible match: needs review", see ``decide``. Every candidate that shares an
identifier, a key with the full date of birth, ``name_yob_district``, or two key types with the
query, when the rule above does not single one out (twins and siblings with similar names,
namesakes, children who moved, identifiers that disagree).

``none``: no candidate, or only a single weak coincidence (``name_dm`` alone).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ID_KEYS = frozenset({"nhs", "upn"})
LOCATION_KEYS = frozenset({"fore_dob_district", "name_yob_district"})
EXACT_DOB_KEYS = frozenset({"name_dob", "fore_dob_district"})
REVIEW_KEYS = ID_KEYS | EXACT_DOB_KEYS | {"phon_dob_sex", "name_yob_district"}

Outcome = Literal["link", "review", "none"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A child of another authority sharing at least one token with the episode."""

    child_id: int
    agreeing: frozenset[str]  # key types with a shared token
    held: frozenset[str]  # key types the child has any token for
    crowded: frozenset[str] = frozenset()  # agreeing types whose token other queries also hold


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    child_id: int | None = None
    review: tuple[int, ...] = ()


def decide(candidates: Sequence[Candidate], episode_types: frozenset[str]) -> Decision:
    """Link, review or none for one episode (rule in the module docstring).

    ``review`` means "possible match: needs review": each child in ``Decision.review`` may be the
    episode's child, but the evidence does not single one out. The hub must not notify anyone of
    a match automatically; it may tell each listed child's responsible authority that a possible
    match needs review by a person there, without any detail of the other candidates or their
    authorities, and nothing is shared until someone confirms.
    """
    if not candidates:
        return Decision("none")
    counts = Counter(t for c in candidates for t in c.agreeing)
    unique = {
        c.child_id: frozenset(t for t in c.agreeing if counts[t] == 1) - c.crowded
        for c in candidates
    }
    by_id = [c for c in candidates if c.agreeing & ID_KEYS]
    if by_id:
        if (
            len(by_id) == 1
            and unique[by_id[0].child_id] & ID_KEYS
            and _clear(by_id[0], candidates, episode_types)
        ):
            return Decision("link", by_id[0].child_id)
        return _review([*by_id, *candidates])
    strong = [c for c in candidates if _strong(unique[c.child_id])]
    if len(strong) == 1 and _clear(strong[0], candidates, episode_types):
        return Decision("link", strong[0].child_id)
    return _review(candidates)


def _strong(unique: frozenset[str]) -> bool:
    """A unique location key and a second unique name key of another type."""
    return bool(unique & LOCATION_KEYS) and len(unique - ID_KEYS) >= 2


def _clear(c: Candidate, candidates: Sequence[Candidate], episode_types: frozenset[str]) -> bool:
    """Not contradicted by an identifier, and no rival."""
    return not _contradicted(c, episode_types) and not any(
        o is not c and _looks_alike(o) and not _contradicted(o, episode_types) for o in candidates
    )


def _looks_alike(c: Candidate) -> bool:
    return bool(c.agreeing & EXACT_DOB_KEYS) or len(c.agreeing) >= 2


def _contradicted(c: Candidate, episode_types: frozenset[str]) -> bool:
    """Both sides hold an identifier of the same type, and it differs."""
    return any(t in c.held and t in episode_types and t not in c.agreeing for t in ID_KEYS)


def _review(candidates: Sequence[Candidate]) -> Decision:
    worth = sorted(
        {c.child_id for c in candidates if c.agreeing & REVIEW_KEYS or len(c.agreeing) >= 2}
    )
    return Decision("review", review=tuple(worth)) if worth else Decision("none")
