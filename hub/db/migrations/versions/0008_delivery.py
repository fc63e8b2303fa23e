"""Delivery: the transactional outbox the worker drains (sharing and webhooks), and webhook
endpoints with their signing secrets.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-20
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outboxitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=16), nullable=False),
        sa.Column("state", AutoString(length=16), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("endpoint_id", sa.Integer(), nullable=True),
        sa.Column("recipient", AutoString(length=16), nullable=True),
        sa.Column("message_id", AutoString(length=40), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", AutoString(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outboxitem_due", "outboxitem", ["state", "next_attempt_at"])
    op.create_index("ix_outboxitem_endpoint_id", "outboxitem", ["endpoint_id"])
    op.create_table(
        "webhookendpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("url", AutoString(length=2000), nullable=False),
        sa.Column("secret", AutoString(length=100), nullable=False),
        sa.Column("previous_secret", AutoString(length=100), nullable=True),
        sa.Column("previous_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhookendpoint_authority", "webhookendpoint", ["authority"])


def downgrade() -> None:
    op.drop_index("ix_webhookendpoint_authority", table_name="webhookendpoint")
    op.drop_table("webhookendpoint")
    op.drop_index("ix_outboxitem_endpoint_id", table_name="outboxitem")
    op.drop_index("ix_outboxitem_due", table_name="outboxitem")
    op.drop_table("outboxitem")
