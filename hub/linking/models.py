"""Matches: an episode joined to a child, with how it was identified, live or withdrawn."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Match(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("episode_id", "child_id"),)
    id: str = Field(primary_key=True, max_length=32)  # the case reference
    episode_id: int = Field(index=True)
    child_id: int = Field(index=True)
    outcome: str  # policies.Identification
    created_at: datetime
    # Set when the episode no longer points at this child (a corrected report, a better link);
    # cleared if it points here again. Only live matches (None) are shared.
    withdrawn_at: datetime | None = None
    # A possible match resolved by its responsible authority: "confirmed" (linked from then on)
    # or "rejected" (closed: never shared again); None while it awaits review.
    resolution: str | None = Field(default=None, max_length=16)
    resolved_at: datetime | None = None
