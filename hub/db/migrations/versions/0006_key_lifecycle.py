"""Key life cycle: the hub-key version every stored digest is under (``homeward hub rekey``
moves them all to a new version), and an index on the shared-key epoch of each token (epoch
warnings on upload, ``homeward hub purge-epoch``).

Existing tokens were re-keyed under version 1 (the only version before this release).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hubinstance") as batch:
        batch.add_column(
            sa.Column("hub_key_version", sa.Integer(), server_default="1", nullable=False)
        )
    op.create_index("ix_matchtoken_epoch", "matchtoken", ["epoch", "authority"])


def downgrade() -> None:
    op.drop_index("ix_matchtoken_epoch", table_name="matchtoken")
    with op.batch_alter_table("hubinstance") as batch:
        batch.drop_column("hub_key_version")
