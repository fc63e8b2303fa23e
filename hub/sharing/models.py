"""Policy signatures: an authority's agreement to one policy's exact content."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class PolicySignature(SQLModel, table=True):
    """``authority`` has signed the policy whose canonical content hashes to ``policy_hash``.
    A changed policy has a new hash and needs signing again; a withdrawn signature keeps its
    row (``withdrawn_at``) so the history stays readable beside the audit log."""

    __table_args__ = (UniqueConstraint("policy_hash", "authority"),)
    id: int | None = Field(default=None, primary_key=True)
    policy_id: str = Field(max_length=64)
    policy_version: int
    policy_hash: str = Field(max_length=64, index=True)
    authority: str = Field(foreign_key="authority.code", max_length=16)
    signed_by: str = Field(max_length=200)  # the officer, e.g. "J Smith, Caldicott Guardian"
    agreement: str = Field(max_length=200)  # the signed agreement's reference
    signed_at: datetime
    withdrawn_at: datetime | None = None
