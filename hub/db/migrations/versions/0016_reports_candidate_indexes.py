"""Indexes for the candidate search of a report on a national hub:

- the digest index covers what the searches read (key type, authority, owner): the children of
  a report's blocks, hundreds on a national hub, are found in the index alone, without a visit
  to each token row;
- a partial index of the identifier tokens (NHS number, UPN, opaque identifier) by owner: which
  of those children hold an identifier, also from the index alone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

IDENTIFIER_TOKENS = sa.text("key_type IN ('nhs', 'opaque_id', 'upn')")
COVERED = ["digest", "owner_kind", "key_type", "authority", "owner_id"]


def upgrade() -> None:
    op.drop_index("ix_matchtoken_digest", table_name="matchtoken")
    op.create_index("ix_matchtoken_digest", "matchtoken", COVERED)
    op.create_index(
        "ix_matchtoken_identifier",
        "matchtoken",
        ["owner_kind", "owner_id", "key_type"],
        postgresql_where=IDENTIFIER_TOKENS,
        sqlite_where=IDENTIFIER_TOKENS,
    )


def downgrade() -> None:
    op.drop_index("ix_matchtoken_identifier", table_name="matchtoken")
    op.drop_index("ix_matchtoken_digest", table_name="matchtoken")
    op.create_index("ix_matchtoken_digest", "matchtoken", ["digest", "owner_kind"])
