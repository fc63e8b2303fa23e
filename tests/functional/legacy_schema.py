"""The hub's tables as the first release created them (``SQLModel.metadata.create_all`` of
hub/store.py at commit d82bcc0), frozen on their own ``MetaData`` so a test can make a database
exactly as a council's hub holds it today, fill it, and upgrade it."""

import sqlalchemy as sa
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

metadata = sa.MetaData()

authority = sa.Table(
    "authority",
    metadata,
    sa.Column("code", AutoString(16), primary_key=True),
    sa.Column("name", AutoString(), nullable=False),
    sa.Column("contact", AutoString(), nullable=False),
    sa.Column("role", AutoString(), nullable=False),
    sa.Column("credential_digest", sa.LargeBinary(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("revoked_at", UTCDateTime(), nullable=True),
)
child = sa.Table(
    "child",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("authority", AutoString(16), sa.ForeignKey("authority.code"), nullable=False),
    sa.Column("ref", AutoString(64), nullable=False),
    sa.Column("sealed_id", AutoString(), nullable=False),
    sa.Column("legal_status", AutoString(), nullable=True),
    sa.Column("placement_type", AutoString(), nullable=True),
    sa.Column("placement_authority", AutoString(), nullable=True),
    sa.Column("placed_since", sa.Date(), nullable=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("authority", "ref"),
)
episode = sa.Table(
    "episode",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("authority", AutoString(16), sa.ForeignKey("authority.code"), nullable=False),
    sa.Column("ref", AutoString(64), nullable=False),
    sa.Column("child_ref", AutoString(), nullable=True),
    sa.Column("sealed_id", AutoString(), nullable=True),
    sa.Column("kind", AutoString(1), nullable=False),
    sa.Column("start", sa.Date(), nullable=False),
    sa.Column("end", sa.Date(), nullable=True),
    sa.Column("started_at", UTCDateTime(), nullable=True),
    sa.Column("ended_at", UTCDateTime(), nullable=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("authority", "ref"),
)
matchtoken = sa.Table(
    "matchtoken",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("digest", sa.LargeBinary(), nullable=False),
    sa.Column("key_type", AutoString(32), nullable=False),
    sa.Column("owner_kind", AutoString(1), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=False),
    sa.Column("authority", AutoString(16), nullable=False),
    sa.Index("ix_matchtoken_digest", "digest", "owner_kind"),
    sa.Index("ix_matchtoken_owner", "owner_kind", "owner_id"),
)
match = sa.Table(
    "match",
    metadata,
    sa.Column("id", AutoString(32), primary_key=True),
    sa.Column("episode_id", sa.Integer(), nullable=False, index=True),
    sa.Column("child_id", sa.Integer(), nullable=False, index=True),
    sa.Column("decision", AutoString(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("episode_id", "child_id"),
)
notification = sa.Table(
    "notification",
    metadata,
    sa.Column("seq", sa.Integer(), primary_key=True),
    sa.Column("id", AutoString(40), nullable=False, unique=True),
    sa.Column("recipient", AutoString(16), nullable=False),
    sa.Column("episode_id", sa.Integer(), nullable=False),
    sa.Column("case_reference", AutoString(), nullable=False),
    sa.Column("event", AutoString(), nullable=False),
    sa.Column("policy_id", AutoString(), nullable=False),
    sa.Column("policy_version", sa.Integer(), nullable=False),
    sa.Column("purpose", AutoString(), nullable=False),
    sa.Column("lawful_basis", AutoString(), nullable=False),
    sa.Column("retain_until", sa.Date(), nullable=False),
    sa.Column("payload", sa.Text(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
    sa.UniqueConstraint("recipient", "case_reference", "event", "policy_id"),
    sa.Index("ix_notification_inbox", "recipient", "seq"),
)
auditrecord = sa.Table(
    "auditrecord",
    metadata,
    sa.Column("seq", sa.Integer(), primary_key=True),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("actor", AutoString(), nullable=False, index=True),
    sa.Column("action", AutoString(), nullable=False),
    sa.Column("subject", AutoString(), nullable=False),
    sa.Column("detail", sa.Text(), nullable=False),
    sa.Column("prev_hash", AutoString(), nullable=False),
    sa.Column("hash", AutoString(), nullable=False),
)
audithead = sa.Table(
    "audithead",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("hash", AutoString(), nullable=False),
)
idempotentrequest = sa.Table(
    "idempotentrequest",
    metadata,
    sa.Column("authority", AutoString(16), primary_key=True),
    sa.Column("key", AutoString(128), primary_key=True),
    sa.Column("request_digest", AutoString(), nullable=False),
    sa.Column("response", sa.Text(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)
