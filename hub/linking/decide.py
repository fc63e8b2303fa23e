"""The link decision: pure, order independent, never a score.

For one episode (the query) the hub sees the children of other authorities that share at least
one match-key token with it, which key types agree, and which key types each side holds. From
that alone it decides (match-key specification v1, docs/matchkeys.md, "Decision rule").

A key type is *unique* for a candidate when no other candidate agrees on it. A *rival* is another
candidate that also looks like the query on given name and date of birth (it agrees on a
``name_dob`` type or ``fore_dob_district``, or on two key types other than the review-only
ones) and that no identifier rules out. A candidate is *contradicted* when both sides hold an
NHS number, or both a UPN, and it differs; an identifier without a check digit (``opaque_id``,
only ever made by ``homeward linkage evaluate --opaque-ids``) that differs contradicts only
when no key with the given name and full date of birth agrees. An identifier that differs but
shares a neighbourhood token (``ID_NEAR``: one substitution or adjacent swap apart,
connectors/idnear.py) is *near*: a typo, never a contradiction (``Candidate.near``).

``link``: exactly one candidate, not contradicted and without rivals, has either

* a unique identifier key (NHS number or UPN); or
* a unique ``name_dob`` key: forename, surname and date of birth, with a name pair the
  connector did not file as common (``name_dob_common``: both names on the common-name lists,
  connectors/namebands.py); or
* a unique location key (``fore_dob_district``, ``name_yob_district`` or its ``_common`` twin)
  and a second unique name key of another type, not a review-only one: given name, date of
  birth and postcode district agree through two different keys. A common name with its date
  of birth and sex, however exact, does not link without the district (Mohammed Khan, Olivia
  Smith).

Two key types are *review only* (``WEAK_KEYS``): ``surname_dob_sex`` (surname, date of birth
and sex: a forename typo or a blank forename) and ``name_partial_dob`` (forename and surname
with the month and day, or the year of an estimated 1 January birthday: a year typo, an
asylum-seeking child recorded without a postcode). They never count towards a link, neither as
the second name key above nor to make a candidate a rival, so automatic links are exactly those
the other keys make; a candidate agreeing only on them goes to review.

``review``: "possible match: needs review", see ``decide``. Every candidate sharing any key
with the query when the rule above does not single one out (twins and siblings with similar
names, namesakes, children who moved, identifiers that disagree).

``none``: no candidate.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from policies import Identification

CHECKED_ID_KEYS = frozenset({"nhs", "upn"})  # a check digit: a differing value is a contradiction
OPAQUE_ID = "opaque_id"  # homeward linkage evaluate --opaque-ids only; never sent by connectors
ID_KEYS = CHECKED_ID_KEYS | {OPAQUE_ID}
ID_NEAR = "id_near"  # identifier neighbourhood tokens: not a key, see Candidate.near
STRONG_NAME_KEY = "name_dob"  # a name pair not filed as common: links alone when unique
LOCATION_KEYS = frozenset({"fore_dob_district", "name_yob_district", "name_yob_district_common"})
NAME_DOB_KEYS = frozenset({"name_dob", "name_dob_common"})
EXACT_DOB_KEYS = NAME_DOB_KEYS | {"fore_dob_district"}
WEAK_KEYS = frozenset({"surname_dob_sex", "name_partial_dob"})  # review only, never link
REVIEW_KEYS = ID_KEYS | EXACT_DOB_KEYS | {"phon_dob_sex"} | LOCATION_KEYS | WEAK_KEYS

LINK, REVIEW = Identification.LINKED, Identification.POSSIBLE
CONFIRMED: Final = "confirmed"  # a reviewed possible match (Match.resolution)
REJECTED: Final = "rejected"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A child of another authority sharing at least one token with the episode."""

    child_id: int
    agreeing: frozenset[str]  # key types with a shared token
    held: frozenset[str]  # key types the child has any token for
    near: bool = False  # an identifier neighbourhood token agrees (never in ``agreeing``)


@dataclass(frozen=True, slots=True)
class Decision:
    """``outcome`` None: no candidate worth anyone's time."""

    outcome: Identification | None
    child_id: int | None = None
    review: tuple[int, ...] = ()


def decide(candidates: Sequence[Candidate], episode_types: frozenset[str]) -> Decision:
    """Link (``LINKED``), review (``POSSIBLE``) or none for one episode (rule in the module
    docstring).

    ``POSSIBLE`` means "possible match: needs review": each child in ``Decision.review`` may be the
    episode's child, but the evidence does not single one out. The hub must not notify anyone of
    a match automatically; it may tell each listed child's responsible authority that a possible
    match needs review by a person there, without any detail of the other candidates or their
    authorities, and nothing is shared until someone confirms.
    """
    if not candidates:
        return Decision(None)
    counts = Counter(t for c in candidates for t in c.agreeing)
    unique = {c.child_id: frozenset(t for t in c.agreeing if counts[t] == 1) for c in candidates}
    by_id = [c for c in candidates if c.agreeing & ID_KEYS]
    if by_id:
        if (
            len(by_id) == 1
            and unique[by_id[0].child_id] & ID_KEYS
            and _clear(by_id[0], candidates, episode_types)
        ):
            return Decision(LINK, by_id[0].child_id)
        return _review([*by_id, *candidates])
    strong = [c for c in candidates if _strong(unique[c.child_id])]
    if len(strong) == 1 and _clear(strong[0], candidates, episode_types):
        return Decision(LINK, strong[0].child_id)
    return _review(candidates)


def _strong(unique: frozenset[str]) -> bool:
    """A unique ``name_dob``, or a unique location key and a second unique name key."""
    if STRONG_NAME_KEY in unique:
        return True
    return bool(unique & LOCATION_KEYS) and len(unique - ID_KEYS - WEAK_KEYS) >= 2


def _clear(c: Candidate, candidates: Sequence[Candidate], episode_types: frozenset[str]) -> bool:
    """Not contradicted by an identifier, and no rival."""
    return not _contradicted(c, episode_types) and not any(
        o is not c and _looks_alike(o) and not _contradicted(o, episode_types) for o in candidates
    )


def contradicted(candidates: Sequence[Candidate], episode_types: frozenset[str]) -> frozenset[int]:
    """The candidates an identifier rules out (``_contradicted``)."""
    return frozenset(c.child_id for c in candidates if _contradicted(c, episode_types))


def _looks_alike(c: Candidate) -> bool:
    return bool(c.agreeing & EXACT_DOB_KEYS) or len(c.agreeing - WEAK_KEYS) >= 2


def _contradicted(c: Candidate, episode_types: frozenset[str]) -> bool:
    """Both sides hold an NHS number, or both a UPN, and it differs (a check digit makes a
    typo unlikely), and not by one typo (``near``). An opaque identifier that differs
    contradicts only when no key with the given name and full date of birth agrees: it has no
    check digit, and typos are common."""
    if c.near:
        return False
    if any(_differs(c, t, episode_types) for t in CHECKED_ID_KEYS):
        return True
    return _differs(c, OPAQUE_ID, episode_types) and not c.agreeing & EXACT_DOB_KEYS


def _differs(c: Candidate, key_type: str, episode_types: frozenset[str]) -> bool:
    return key_type in c.held and key_type in episode_types and key_type not in c.agreeing


def _review(candidates: Sequence[Candidate]) -> Decision:
    worth = sorted(
        {c.child_id for c in candidates if c.agreeing & REVIEW_KEYS or len(c.agreeing) >= 2}
    )
    return Decision(REVIEW, review=tuple(worth)) if worth else Decision(None)


def reviewed(
    review: tuple[int, ...], resolutions: Mapping[int, str]
) -> tuple[tuple[int, ...], Identification | None]:
    """A possible match after its responsible authorities' reviews (child id -> resolution):
    the one confirmed candidate is the link; rejected candidates are out for good; if every
    candidate was rejected, the episode is matched to no one."""
    confirmed = tuple(c for c in review if resolutions.get(c) == CONFIRMED)
    if len(confirmed) == 1:
        return confirmed, Identification.LINKED
    left = confirmed or tuple(c for c in review if resolutions.get(c) != REJECTED)
    return (left, Identification.POSSIBLE) if left else ((), None)
