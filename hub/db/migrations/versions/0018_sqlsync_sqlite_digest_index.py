"""On SQLite, the match-token digest index goes back to the digest and the owner kind.

Migration 0016 made ``ix_matchtoken_digest`` cover what the candidate searches read (key type,
authority, owner), so PostgreSQL answers them from the index without a visit to each row. On
SQLite that visit is a look-up by rowid in the same file, and the wider index cost more than
it saved: a nightly sync inserts its token rows at random places in this index, one
transaction per batch, and each transaction writes every index page it touches to the WAL and
again at the checkpoint; 62 % more pages (121 MB against 75 MB for a national hub) meant about
that much more written per sync. PostgreSQL keeps the covering index (no change there).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COVERED = ["digest", "owner_kind", "key_type", "authority", "owner_id"]
NARROW = ["digest", "owner_kind"]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        op.drop_index("ix_matchtoken_digest", table_name="matchtoken")
        op.create_index("ix_matchtoken_digest_kind", "matchtoken", NARROW)


def downgrade() -> None:
    if _sqlite():
        op.drop_index("ix_matchtoken_digest_kind", table_name="matchtoken")
        op.create_index("ix_matchtoken_digest", "matchtoken", COVERED)
