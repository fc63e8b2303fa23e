"""Stored records of each authority. Nothing here holds an identifier in clear: tokens are
re-keyed digests, child ids are sealed by their council, references are opaque."""

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Child(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("authority", "ref"),)
    id: int | None = Field(default=None, primary_key=True)
    authority: str = Field(foreign_key="authority.code", max_length=16)
    ref: str = Field(max_length=64)
    sealed_id: str
    legal_status: str | None = None
    placement_type: str | None = None
    placement_authority: str | None = None
    placed_since: date | None = None
    # Where the child lives must not be shared (e.g. risk from family): no notification carries
    # a location field (policies/model.py LOCATION_FIELDS), whatever a policy grants.
    confidential_location: bool = False
    updated_at: datetime
    # SHA-256 of what the hub stores of the child (hub/records/children.py): a child sent again
    # unchanged is not written again. Over hub-keyed digests, like ``Episode.keys_digest``.
    record_digest: str | None = Field(default=None, max_length=64)


class Episode(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("authority", "ref"),)
    id: int | None = Field(default=None, primary_key=True)
    authority: str = Field(foreign_key="authority.code", max_length=16)
    ref: str = Field(max_length=64)
    child_ref: str | None = None
    sealed_id: str | None = None
    kind: str = Field(max_length=1)
    start: date
    end: date | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    updated_at: datetime
    # SHA-256 of the episode's re-keyed tokens: tells a correction (new match keys) from a
    # repeat. Over hub-keyed digests, so the shared secret alone cannot test a guess against it.
    keys_digest: str | None = Field(default=None, max_length=64)
    # The return interview after a found episode (hub/delivery/interviews.py): when it was held,
    # and when the responsible authority was reminded that it was not within 72 hours.
    interview_at: datetime | None = None
    interview_reminded_at: datetime | None = None


class KeyedReport(SQLModel, table=True):
    """One report counted against its authority's daily quota: an episode described by match
    keys that were new for its reference (hub/records/quota.py)."""

    __table_args__ = (Index("ix_keyedreport_window", "authority", "counted_at"),)
    id: int | None = Field(default=None, primary_key=True)
    authority: str = Field(max_length=16)
    ref: str = Field(max_length=64)
    keys_digest: str = Field(max_length=64)
    counted_at: datetime


# The identifier key types (hub.linking.decide.ID_KEYS), as the predicate of the partial index
# that tells which children hold one: the second stage reads it for every child in its blocks.
# A literal, not bound values, so both databases' planners can match a query to the index.
IDENTIFIER_TOKENS = text("key_type IN ('nhs', 'opaque_id', 'upn')")


class MatchToken(SQLModel, table=True):
    """A re-keyed match-key digest held by one child (owner_kind 'C') or episode ('E'), with
    the shared-key epoch it was derived under and the hub-key version that re-keyed it."""

    __table_args__ = (
        # Covers the candidate searches on PostgreSQL (key type, authority and owner read from
        # the index). On SQLite a row is a rowid look-up away, and each index page a sync's
        # random inserts touch is written twice: the narrow index (migration 0018).
        Index(
            "ix_matchtoken_digest", "digest", "owner_kind", "key_type", "authority", "owner_id"
        ).ddl_if(dialect="postgresql"),
        Index("ix_matchtoken_digest_kind", "digest", "owner_kind").ddl_if(dialect="sqlite"),
        Index("ix_matchtoken_owner", "owner_kind", "owner_id"),
        Index("ix_matchtoken_epoch", "epoch", "authority"),
        Index(
            "ix_matchtoken_identifier",
            "owner_kind",
            "owner_id",
            "key_type",
            postgresql_where=IDENTIFIER_TOKENS,
            sqlite_where=IDENTIFIER_TOKENS,
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    key_type: str = Field(max_length=32)
    epoch: int
    hub_key_version: int
    owner_kind: str = Field(max_length=1)
    owner_id: int
    authority: str = Field(max_length=16)


class SimilarityEncoding(SQLModel, table=True):
    """A child's ('C') or episode's ('E') second-stage filters (docs/matchkeys.md section 8),
    as sent: the hub can only compare them. Their blocking tokens are ``MatchToken`` rows of
    type ``sim_block``, re-keyed like every other token (and forwarded on hub-key rotation)."""

    owner_kind: str = Field(primary_key=True, max_length=1)
    owner_id: int = Field(primary_key=True)
    authority: str = Field(max_length=16)
    epoch: int
    names: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    born: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class IdempotentRequest(SQLModel, table=True):
    authority: str = Field(primary_key=True, max_length=16)
    key: str = Field(primary_key=True, max_length=128)
    request_digest: str
    response: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
