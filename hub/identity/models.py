"""Registered authorities: councils, and the auditors who read the log."""

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
