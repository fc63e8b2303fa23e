"""OAuth2 clients (``private_key_jwt``) of each authority, and the client-assertion ``jti``
values seen (each assertion is used once; rows are dropped once the assertion has expired).

Existing authorities keep their bearer credentials (accepted while
``HOMEWARD_HUB_ALLOW_LEGACY_BEARER`` is true); they get OAuth2 clients with
`homeward hub client add`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oauthclient",
        sa.Column("client_id", AutoString(length=64), nullable=False),
        sa.Column("authority", AutoString(length=16), nullable=False),
        sa.Column("name", AutoString(), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=True),
        sa.Column("scopes", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["authority"], ["authority.code"]),
        sa.PrimaryKeyConstraint("client_id"),
    )
    op.create_index("ix_oauthclient_authority", "oauthclient", ["authority"])
    op.create_table(
        "seenassertion",
        sa.Column("client_id", AutoString(length=64), nullable=False),
        sa.Column("jti", AutoString(length=128), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "jti"),
    )
    op.create_index("ix_seenassertion_expires_at", "seenassertion", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_seenassertion_expires_at", table_name="seenassertion")
    op.drop_table("seenassertion")
    op.drop_index("ix_oauthclient_authority", table_name="oauthclient")
    op.drop_table("oauthclient")
