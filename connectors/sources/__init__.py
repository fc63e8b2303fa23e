"""Source readers: 903 tables, the identity extract and the postcode lookup.

Each returns its rows plus a list of SourceProblem; a bad row never stops the good ones.
"""

from connectors.sources.identity import IdentityExtract, IdentityRow, read_identity
from connectors.sources.lookup import PostcodeLookup, area_key, read_postcode_lookup
from connectors.sources.problems import Effect, SourceProblem, parse_date
from connectors.sources.ssda903 import (
    EPISODES,
    HEADER,
    MISSING,
    EpisodeRow,
    HeaderRow,
    MissingRow,
    Ssda903,
    read_903,
    read_903_dir,
)

__all__ = [
    "EPISODES",
    "HEADER",
    "MISSING",
    "Effect",
    "EpisodeRow",
    "HeaderRow",
    "IdentityExtract",
    "IdentityRow",
    "MissingRow",
    "PostcodeLookup",
    "SourceProblem",
    "Ssda903",
    "area_key",
    "parse_date",
    "read_903",
    "read_903_dir",
    "read_identity",
    "read_postcode_lookup",
]
