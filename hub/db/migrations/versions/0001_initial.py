"""The schema as the first release created it (with ``create_all``), and the audit genesis.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    _audit()
    _authority()
    _records()
    _matches_and_notifications()


def _audit() -> None:
    head = op.create_table(
        "audithead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])
    op.create_table(
        "auditrecord",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", AutoString(), nullable=False),
        sa.Column("action", AutoString(), nullable=False),
        sa.Column("subject", AutoString(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", AutoString(), nullable=False),
        sa.Column("hash", AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_auditrecord_actor", "auditrecord", ["actor"], unique=False)


def _authority() -> None:
    op.create_table(
        "authority",
        sa.Column("code", AutoString(length=16), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("contact", AutoString(), nullable=False),
        sa.Column("role", AutoString(), nullable=False),
        sa.Column("credential_digest", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )


def _records() -> None:
    op.create_table(
        "idempotentrequest",
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("key", AutoString(length=128), nullable=False),
        sa.Column("request_digest", AutoString(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("authority", "key"),
    )
    op.create_table(
        "matchtoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.LargeBinary(), nullable=False),
        sa.Column("key_type", AutoString(length=32), nullable=False),
        sa.Column("owner_kind", AutoString(length=1), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_matchtoken_digest", "matchtoken", ["digest", "owner_kind"], unique=False)
    op.create_index("ix_matchtoken_owner", "matchtoken", ["owner_kind", "owner_id"], unique=False)
    op.create_table(
        "child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("ref", AutoString(length=64), nullable=False),
        sa.Column("sealed_id", AutoString(), nullable=False),
        sa.Column("legal_status", AutoString(), nullable=True),
        sa.Column("placement_type", AutoString(), nullable=True),
        sa.Column("placement_authority", AutoString(), nullable=True),
        sa.Column("placed_since", sa.Date(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["authority"], ["authority.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("authority", "ref"),
    )
    op.create_table(
        "episode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("ref", AutoString(length=64), nullable=False),
        sa.Column("child_ref", AutoString(), nullable=True),
        sa.Column("sealed_id", AutoString(), nullable=True),
        sa.Column("kind", AutoString(length=1), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["authority"], ["authority.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("authority", "ref"),
    )


def _matches_and_notifications() -> None:
    op.create_table(
        "match",
        sa.Column("id", AutoString(length=32), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("decision", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("episode_id", "child_id"),
    )
    op.create_index("ix_match_child_id", "match", ["child_id"], unique=False)
    op.create_index("ix_match_episode_id", "match", ["episode_id"], unique=False)
    op.create_table(
        "notification",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", AutoString(length=40), nullable=False),
        sa.Column("recipient", AutoString(length=16), nullable=False),
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
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
        sa.UniqueConstraint("recipient", "case_reference", "event", "policy_id"),
    )
    op.create_index("ix_notification_inbox", "notification", ["recipient", "seq"], unique=False)


def downgrade() -> None:
    raise NotImplementedError("the first schema has nothing to go back to")
