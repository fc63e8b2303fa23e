"""The transparency log's tables.

- ``AuditLeaf``: one row per entry, ``idx`` from 0; ``leaf`` is the exact leaf bytes (canonical
  JSON, hashed as the Merkle leaf); ``at``/``actor``/``action``/``subject``/``refs`` copy fields
  of the leaf so that auditors' queries use indexes (``refs``: space-separated references,
  between spaces, that the entry touched: case references, notification ids).
- ``MerkleNode``: the hash of every complete aligned subtree, ``(level, idx)`` covering leaves
  ``[idx * 2**level, (idx + 1) * 2**level)``; level 0 holds the leaf hashes.
- ``TreeHead``: one row, the tree's size; locking it serialises appends across hub processes.
- ``AuditCheckpoint``: every signed checkpoint the hub issued (its history), by tree size.
- ``AuditCosignature``: witnesses' cosignatures of those checkpoints (one per witness key).

The database refuses UPDATE and DELETE on leaves, nodes and checkpoints (triggers, migration
0007); only the tree head is updated.
"""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class AuditLeaf(SQLModel, table=True):
    idx: int = Field(primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(index=True)
    action: str = Field(index=True)
    subject: str = Field(index=True)
    refs: str = Field(sa_column=Column(Text, nullable=False))
    leaf: str = Field(sa_column=Column(Text, nullable=False))


class MerkleNode(SQLModel, table=True):
    level: int = Field(primary_key=True)
    idx: int = Field(primary_key=True)
    hash: str = Field(max_length=64)


class TreeHead(SQLModel, table=True):
    id: int = Field(default=1, primary_key=True)
    size: int = 0


class AuditCheckpoint(SQLModel, table=True):
    size: int = Field(primary_key=True)
    root: str = Field(max_length=64)
    issued_at: datetime
    note: str = Field(sa_column=Column(Text, nullable=False))


class AuditCosignature(SQLModel, table=True):
    """A witness's cosignature (c2sp.org/tlog-cosignature) of the checkpoint of ``size``:
    ``line`` is the signature line served appended to that checkpoint's note."""

    size: int = Field(primary_key=True)
    name: str = Field(primary_key=True, max_length=256)
    key_id: str = Field(primary_key=True, max_length=8)
    line: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime
