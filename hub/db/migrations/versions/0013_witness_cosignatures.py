"""Witness cosignatures of the audit log's checkpoints (c2sp.org/tlog-cosignature).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditcosignature",
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=256), nullable=False),
        sa.Column("key_id", AutoString(length=8), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("size", "name", "key_id"),
    )


def downgrade() -> None:
    op.drop_table("auditcosignature")
