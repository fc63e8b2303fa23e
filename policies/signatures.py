"""Which authorities have signed which policy content: a value the decision reads.

A signature is for a policy's content hash, not its id: an edited policy has a new hash and no
signatures until each council signs it again. The hub keeps signatures in its database
(hub/sharing/signatures.py); tests and ``homeward policy explain`` build them directly.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from policies.model import Policy


@dataclass(frozen=True, slots=True)
class Signatures:
    """content hash -> the authorities that signed that content."""

    by_hash: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def signed(self, policy_hash: str, authority: str) -> bool:
        return authority in self.by_hash.get(policy_hash, frozenset())

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> "Signatures":
        """From (content hash, authority) pairs."""
        found: dict[str, set[str]] = {}
        for policy_hash, authority in pairs:
            found.setdefault(policy_hash, set()).add(authority)
        return cls({h: frozenset(a) for h, a in found.items()})

    @classmethod
    def everyone(cls, policies: Iterable[Policy], authorities: Iterable[str]) -> "Signatures":
        """Every authority has signed every policy (tests and examples)."""
        codes = list(authorities)
        return cls.of((p.content_hash, code) for p in policies for code in codes)


NO_SIGNATURES = Signatures()
