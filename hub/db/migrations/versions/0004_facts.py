"""Facts that change: an episode's match-key digest (a correction is told from a repeat), the
reports counted against each authority's quota, and withdrawn matches and notifications.

Episodes stored before this revision have no digest: their next update counts as a change of
match keys once (it is linked again, with the same result, and counted once against the quota).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episode") as table:
        table.add_column(sa.Column("keys_digest", AutoString(length=64), nullable=True))
    with op.batch_alter_table("match") as table:
        table.add_column(sa.Column("withdrawn_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("notification") as table:
        table.add_column(sa.Column("withdrawn_at", UTCDateTime(), nullable=True))
        table.add_column(sa.Column("superseded_by", AutoString(length=40), nullable=True))
    op.create_table(
        "keyedreport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("ref", AutoString(length=64), nullable=False),
        sa.Column("keys_digest", AutoString(length=64), nullable=False),
        sa.Column("counted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_keyedreport_window", "keyedreport", ["authority", "counted_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_keyedreport_window", table_name="keyedreport")
    op.drop_table("keyedreport")
    with op.batch_alter_table("notification") as table:
        table.drop_column("superseded_by")
        table.drop_column("withdrawn_at")
    with op.batch_alter_table("match") as table:
        table.drop_column("withdrawn_at")
    with op.batch_alter_table("episode") as table:
        table.drop_column("keys_digest")
