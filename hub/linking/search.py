"""Both stages for one query through a ``CandidateIndex``: the hub's whole identification.

The match keys first (``hub.linking.decide``); when they do not link and the query carries a
second-stage encoding, the weighed comparison against the children sharing a blocking token
or any match-key token (``hub.linking.similarity``). ``homeward linkage evaluate`` and the
hub's ingest call this same function, so measured accuracy is the product's.
"""

from collections.abc import Sequence

from hub.linking.candidates import CandidateIndex, Digests
from hub.linking.decide import ID_KEYS, LINK, Candidate, Decision, contradicted, decide
from hub.linking.similarity import Encoded, Rule, rule, score, second_stage


def identify(
    index: CandidateIndex,
    digests: Digests,
    *,
    exclude_authority: str,
    query: Encoded | None = None,
    blocks: Sequence[bytes] = (),
    table: Rule | None = None,
) -> Decision:
    """Link, review or none for one query (never a score)."""
    found = index.candidates(digests, exclude_authority=exclude_authority)
    episode_types = frozenset(t for t, _ in digests)
    first = decide(found, episode_types)
    if query is None or first.outcome is LINK:
        return first
    table = table or rule()
    children = index.similar(
        blocks,
        [c.child_id for c in found],
        exclude_authority=exclude_authority,
        identifiers=episode_types & ID_KEYS,
    )
    by_id = {c.child_id: c for c in found}
    every = [by_id.get(e.child_id) or Candidate(e.child_id, frozenset(), e.held) for e in children]
    ruled_out = contradicted(every, episode_types)
    return second_stage(first, score(query, children, found, ruled_out, table), table)
