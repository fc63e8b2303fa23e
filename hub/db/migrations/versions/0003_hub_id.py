"""The hub's stable id: one random value made now and kept, so a connector can tell a new or
rebuilt hub from the one it synced with (it then sends everything again).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "hubinstance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "hub_id": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("hubinstance")
