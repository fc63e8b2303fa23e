"""When the worker's periodic steps last ran (the return-interview reminders), shared by every
worker so a step runs once an interval however many there are.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduledstep",
        sa.Column("name", AutoString(length=32), nullable=False),
        sa.Column("last_run_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("scheduledstep")
