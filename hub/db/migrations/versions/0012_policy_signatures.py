"""Policy signatures (a council receives and discloses nothing under a policy it has not
signed) and the confidential-location flag on a child.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0012"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policysignature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", AutoString(length=64), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("policy_hash", AutoString(length=64), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("signed_by", AutoString(length=200), nullable=False),
        sa.Column("agreement", AutoString(length=200), nullable=False),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["authority"], ["authority.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("policy_hash", "authority"),
    )
    op.create_index("ix_policysignature_policy_hash", "policysignature", ["policy_hash"])
    with op.batch_alter_table("child") as batch:
        batch.add_column(
            sa.Column(
                "confidential_location", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("child") as batch:
        batch.drop_column("confidential_location")
    op.drop_index("ix_policysignature_policy_hash", table_name="policysignature")
    op.drop_table("policysignature")
