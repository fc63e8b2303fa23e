"""Hub tables. Nothing here holds an identifier in clear: tokens are re-keyed digests, child ids
are sealed by their council, references are opaque."""

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Authority(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=16)
    name: str
    contact: str
    role: str = "council"  # council | auditor
    credential_digest: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    revoked_at: datetime | None = None


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
    updated_at: datetime


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


class MatchToken(SQLModel, table=True):
    """A re-keyed match-key digest held by one child (owner_kind 'C') or episode ('E')."""

    __table_args__ = (
        Index("ix_matchtoken_digest", "digest", "owner_kind"),
        Index("ix_matchtoken_owner", "owner_kind", "owner_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    key_type: str = Field(max_length=32)
    owner_kind: str = Field(max_length=1)
    owner_id: int
    authority: str = Field(max_length=16)


class Match(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("episode_id", "child_id"),)
    id: str = Field(primary_key=True, max_length=32)
    episode_id: int = Field(index=True)
    child_id: int = Field(index=True)
    decision: str  # link | review
    created_at: datetime


class Notification(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("recipient", "case_reference", "event", "policy_id"),
        Index("ix_notification_inbox", "recipient", "seq"),
    )
    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True, max_length=40)
    recipient: str = Field(max_length=16)
    episode_id: int
    case_reference: str
    event: str
    policy_id: str
    policy_version: int
    purpose: str
    lawful_basis: str
    retain_until: date
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    acknowledged_at: datetime | None = None


class AuditRecord(SQLModel, table=True):
    seq: int = Field(primary_key=True)
    at: datetime
    actor: str = Field(index=True)
    action: str
    subject: str
    detail: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str
    hash: str


class AuditHead(SQLModel, table=True):
    """One row: the chain's tip. Locking it serialises appends across hub processes."""

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str


class IdempotentRequest(SQLModel, table=True):
    authority: str = Field(primary_key=True, max_length=16)
    key: str = Field(primary_key=True, max_length=128)
    request_digest: str
    response: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
