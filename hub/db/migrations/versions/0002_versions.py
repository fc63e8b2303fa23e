"""Versions on stored data: each token's key epoch and hub-key version, each notification's
policy content hash; a match's outcome in the policies' vocabulary.

Tokens stored before this revision were all made under shared epoch 1 and the single hub key
(the first release could do nothing else), so both are backfilled with 1. Notifications
granted before it keep ``policy_hash`` empty: the policy's content then was not recorded.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OUTCOMES = {"own": "own_record", "link": "linked", "review": "possible"}


def upgrade() -> None:
    with op.batch_alter_table("matchtoken") as table:
        table.add_column(sa.Column("epoch", sa.Integer(), nullable=False, server_default="1"))
        table.add_column(
            sa.Column("hub_key_version", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("matchtoken") as table:
        table.alter_column("epoch", server_default=None)
        table.alter_column("hub_key_version", server_default=None)
    with op.batch_alter_table("notification") as table:
        table.add_column(sa.Column("policy_hash", AutoString(length=64), nullable=True))
    with op.batch_alter_table("match") as table:
        table.alter_column("decision", new_column_name="outcome")
    match = sa.table("match", sa.column("outcome", sa.String()))
    for old, new in OUTCOMES.items():
        op.execute(match.update().where(match.c.outcome == old).values(outcome=new))


def downgrade() -> None:
    match = sa.table("match", sa.column("outcome", sa.String()))
    for old, new in OUTCOMES.items():
        op.execute(match.update().where(match.c.outcome == new).values(outcome=old))
    with op.batch_alter_table("match") as table:
        table.alter_column("outcome", new_column_name="decision")
    with op.batch_alter_table("notification") as table:
        table.drop_column("policy_hash")
    with op.batch_alter_table("matchtoken") as table:
        table.drop_column("hub_key_version")
        table.drop_column("epoch")
