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
    # The recipient's verdict (hub/delivery/dispositions.py): confirmed | false_match | duplicate.
    disposition: str | None = Field(default=None, max_length=16)
    disposed_at: datetime | None = None


class OutboxItem(SQLModel, table=True):
    """Work the worker owes: share an episode (link, policies, notifications) or send one
    webhook. Written in the transaction of the change that caused it, so a committed change
    always has its work queued; claimed with ``FOR UPDATE SKIP LOCKED`` (hub/delivery/outbox.py)
    and finished in the claiming transaction, so a worker that dies loses nothing."""

    __table_args__ = (Index("ix_outboxitem_due", "state", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # "share" | "webhook" | "email" | "digest"
    state: str = Field(default="pending", max_length=16)  # pending | done | dead
    episode_id: int | None = None  # share: the episode to (re)link
    endpoint_id: int | None = Field(default=None, index=True)  # webhook: where to
    recipient: str | None = Field(default=None, max_length=16)  # webhook, email, digest
    alert_id: int | None = Field(default=None, index=True)  # email: to which duty address
    message_id: str | None = Field(default=None, max_length=40)  # webhook-id, kept on retries
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    attempts: int = 0
    next_attempt_at: datetime
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime
    done_at: datetime | None = None


class WebhookEndpoint(SQLModel, table=True):
    """A recipient's webhook URL with its own ``whsec_`` secret; after a rotation the previous
    secret also signs until ``previous_until`` (an overlap for the receiver to switch)."""

    id: int | None = Field(default=None, primary_key=True)
    authority: str = Field(max_length=16, index=True)
    url: str = Field(max_length=2000)
    # Sealed under the hub key (keys/hub.py ``HubKeyring.seal``): the database alone does not
    # give the signing secrets.
    secret: str = Field(max_length=200)
    previous_secret: str | None = Field(default=None, max_length=200)
    previous_until: datetime | None = None
    created_at: datetime
    disabled_at: datetime | None = None  # removed by the operator, or answered 410 Gone


class AlertAddress(SQLModel, table=True):
    """A duty inbox's e-mail address: told that a notification is waiting, never what it says."""

    id: int | None = Field(default=None, primary_key=True)
    authority: str = Field(max_length=16, index=True)
    email: str = Field(max_length=254)
    created_at: datetime
    disabled_at: datetime | None = None  # removed by the operator


class ScheduledStep(SQLModel, table=True):
    """When a periodic step of the worker last ran, on any worker: each worker claims the step
    here before running it, so it runs once an interval however many workers there are
    (hub/delivery/schedule.py)."""

    name: str = Field(primary_key=True, max_length=32)
    last_run_at: datetime
