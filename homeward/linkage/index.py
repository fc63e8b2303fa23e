"""The hub's candidate look-up, in memory: the twin of ``hub.linking.candidates``.

The hub stores every incoming token re-keyed (``keys.HubKey.rekey``) as a ``MatchToken`` row
(digest, key type, owner). For an episode it selects the children of other authorities holding
any of the episode's digests; each child's agreeing key types are the types of those hits, and
its held key types are the types of all its tokens; ``hub.matching.decide`` then rules. This
module does the same with a dict from digest to children, so ``homeward linkage evaluate``
links exactly as the hub does, without a database.

One optional addition the hub does not make yet (``evaluate.link(right_unique=True)``):
``crowded``, the agreeing key types whose digest other right-hand records of a different
identity also hold (uniqueness on the querying side).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from hub.matching import Candidate
from keys import HubKey, Token

Digests = list[tuple[str, bytes]]  # (key type, re-keyed digest)


def rekey(hub_key: HubKey, epoch: int, tokens: Iterable[tuple[str, str]]) -> Digests:
    """What ``hub.ingest`` stores for a record's match keys (duplicates dropped)."""
    unique = {(t, hub_key.rekey(Token(t, epoch, v))) for t, v in tokens}
    return sorted(unique)


class ChildIndex:
    """Re-keyed tokens of the responsible side's children (the hub's ``MatchToken`` rows)."""

    def __init__(self) -> None:
        self._children: dict[bytes, list[int]] = defaultdict(list)
        self._held: list[frozenset[str]] = []

    def add(self, digests: Digests) -> int:
        """Store one child's digests; returns its id (0, 1, 2... in order of adding)."""
        child_id = len(self._held)
        self._held.append(frozenset(t for t, _ in digests))
        for _, digest in digests:
            self._children[digest].append(child_id)
        return child_id

    def candidates(
        self, digests: Digests, crowded: frozenset[bytes] = frozenset()
    ) -> tuple[list[Candidate], frozenset[str]]:
        """Children sharing a digest with the query, as ``hub.linking.candidates`` finds them."""
        agreeing: dict[int, set[str]] = defaultdict(set)
        crowding: dict[int, set[str]] = defaultdict(set)
        for key_type, digest in digests:
            for child_id in self._children.get(digest, ()):
                agreeing[child_id].add(key_type)
                if digest in crowded:
                    crowding[child_id].add(key_type)
        found = [
            Candidate(cid, frozenset(types), self._held[cid], frozenset(crowding[cid]))
            for cid, types in sorted(agreeing.items())
        ]
        return found, frozenset(t for t, _ in digests)


def crowded_digests(queries: Sequence[Digests]) -> list[frozenset[bytes]]:
    """Per query: its digests that another query of a different identity also holds.

    Two queries have the same identity when they hold exactly the same digests (a child reported
    twice); otherwise a shared digest means the key value is not unique on the querying side.
    """
    identities = [frozenset(d for _, d in q) for q in queries]
    holders: dict[bytes, set[frozenset[bytes]]] = defaultdict(set)
    for ident in identities:
        for digest in ident:
            holders[digest].add(ident)
    shared = Counter({d: len(h) for d, h in holders.items() if len(h) > 1})
    return [frozenset(d for d in ident if d in shared) for ident in identities]
