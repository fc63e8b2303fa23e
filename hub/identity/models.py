"""Registered authorities: councils, and the auditors who read the log; the hub's own id."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel


class Authority(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=16)
    name: str
    contact: str
    role: str = "council"  # council | auditor
    credential_digest: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    revoked_at: datetime | None = None


class HubInstance(SQLModel, table=True):
    """One row: this hub's random id, made by the migration that created the table, and the
    hub-key version every stored token digest is under (hub/records/rekey.py)."""

    id: int = Field(default=1, primary_key=True)
    hub_id: str = Field(max_length=64)
    hub_key_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class OAuthClient(SQLModel, table=True):
    """An OAuth2 client of an authority (the nightly connector, the duty team's tools): the
    public JWK it signs its client assertions with, and the scopes it may be granted (within
    its authority's role). ``public_jwk`` is empty for a client of a trusted external IdP."""

    client_id: str = Field(primary_key=True, max_length=64)
    authority: str = Field(foreign_key="authority.code", index=True, max_length=16)
    name: str
    public_jwk: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    scopes: str  # space-separated
    created_at: datetime
    revoked_at: datetime | None = None


class SeenAssertion(SQLModel, table=True):
    """A client assertion's ``jti``, kept until the assertion expires: each is used once."""

    client_id: str = Field(primary_key=True, max_length=64)
    jti: str = Field(primary_key=True, max_length=128)
    expires_at: datetime = Field(index=True)
