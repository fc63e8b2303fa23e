"""The audit log's tables: the entries and the one-row chain head."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class AuditRecord(SQLModel, table=True):
    seq: int = Field(primary_key=True)
    at: datetime
    actor: str = Field(index=True)
    action: str
    subject: str
    detail: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str
    hash: str


class AuditHead(SQLModel, table=True):
    """One row: the chain's tip. Locking it serialises appends across hub processes."""

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str
