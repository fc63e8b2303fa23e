"""What policies may share about an authority, as a plain value."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AuthorityFacts:
    code: str
    name: str
    contact: str
    active_council: bool
