"""A digest of what the hub stores of each child, so a nightly sync skips unchanged children
(hub/records/children.py). Existing children start without one: the next sync writes them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: a plain ADD COLUMN on both databases, no table copy on SQLite.
    op.add_column("child", sa.Column("record_digest", AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("child") as table:
        table.drop_column("record_digest")
