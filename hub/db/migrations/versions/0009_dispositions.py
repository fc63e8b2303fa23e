"""Dispositions and the return-interview clock: a recipient's verdict on a notification, the
resolution of a possible match, and each episode's return interview and reminder.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS: dict[str, list[sa.Column[object]]] = {
    "notification": [
        sa.Column("disposition", AutoString(length=16), nullable=True),
        sa.Column("disposed_at", UTCDateTime(), nullable=True),
    ],
    "match": [
        sa.Column("resolution", AutoString(length=16), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
    ],
    "episode": [
        sa.Column("interview_at", UTCDateTime(), nullable=True),
        sa.Column("interview_reminded_at", UTCDateTime(), nullable=True),
    ],
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(column)


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns):
                batch.drop_column(column.name)
