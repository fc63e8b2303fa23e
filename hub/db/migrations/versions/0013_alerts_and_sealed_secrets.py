"""E-mail alerts for duty inboxes (their addresses, and the outbox's e-mail deliveries), and
room for webhook secrets sealed under the hub key (they are sealed by ``homeward hub migrate``
and on the hub's start, which hold the key file; this migration cannot).

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0013"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alertaddress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("email", AutoString(length=254), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alertaddress_authority", "alertaddress", ["authority"])
    with op.batch_alter_table("outboxitem") as batch:
        batch.add_column(sa.Column("alert_id", sa.Integer(), nullable=True))
        batch.create_index("ix_outboxitem_alert_id", ["alert_id"])
    with op.batch_alter_table("webhookendpoint") as batch:
        for name, nullable in (("secret", False), ("previous_secret", True)):
            batch.alter_column(
                name,
                type_=AutoString(length=200),
                existing_type=AutoString(length=100),
                existing_nullable=nullable,
            )


def downgrade() -> None:
    with op.batch_alter_table("webhookendpoint") as batch:
        for name, nullable in (("secret", False), ("previous_secret", True)):
            batch.alter_column(
                name,
                type_=AutoString(length=100),
                existing_type=AutoString(length=200),
                existing_nullable=nullable,
            )
    with op.batch_alter_table("outboxitem") as batch:
        batch.drop_index("ix_outboxitem_alert_id")
        batch.drop_column("alert_id")
    op.drop_index("ix_alertaddress_authority", table_name="alertaddress")
    op.drop_table("alertaddress")
