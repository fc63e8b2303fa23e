"""Second-stage similarity encodings (issue 11): a child's or episode's keyed Bloom filters.
Their blocking tokens are ordinary ``matchtoken`` rows of type ``sim_block``.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "similarityencoding",
        sa.Column("owner_kind", AutoString(length=1), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("names", sa.LargeBinary(), nullable=False),
        sa.Column("born", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("owner_kind", "owner_id"),
    )


def downgrade() -> None:
    op.drop_table("similarityencoding")
