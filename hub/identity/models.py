"""Registered authorities: councils, and the auditors who read the log; the hub's own id."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary
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
    """One row: this hub's random id, made by the migration that created the table."""

    id: int = Field(default=1, primary_key=True)
    hub_id: str = Field(max_length=64)
