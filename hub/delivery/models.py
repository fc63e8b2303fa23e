"""Notifications: durable per recipient until acknowledged, each recording the policy (id,
version and content hash) that granted it."""

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


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
    policy_hash: str | None = Field(default=None, max_length=64)  # None: granted before v0.2
    purpose: str
    lawful_basis: str
    retain_until: date
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    acknowledged_at: datetime | None = None
    # Withdrawn: the match it reported no longer stands (hub/delivery/inbox.py); superseded_by
    # names this recipient's notification about the same episode that replaces it, if any.
    withdrawn_at: datetime | None = None
    superseded_by: str | None = Field(default=None, max_length=40)
