"""The audit log: a Merkle transparency log of every access and decision, appended in the
transaction of the access.

``log`` appends (``MerkleLog``, the ``AuditLog`` seam in ``interfaces``) over ``tree`` (stored
subtree hashes) and ``merkle`` (RFC 9162 hashing and proofs); ``entry`` is the leaf format,
``commitments`` what entries commit to; ``checkpoints`` signs tree heads; ``verify`` checks a
stored log, ``deep`` the tables against the entries, ``auditor`` a hub from outside;
``service`` answers the audit API; ``actions`` names every action; ``legacy`` reads the old chain.
"""

from hub.audit.actions import AuditAction
from hub.audit.legacy import GENESIS_HASH, canonical, entry_hash, timestamp
from hub.audit.log import MerkleLog, append_at, entries
from hub.audit.verify import Verification, verify

__all__ = [
    "GENESIS_HASH",
    "AuditAction",
    "MerkleLog",
    "Verification",
    "append_at",
    "canonical",
    "entries",
    "entry_hash",
    "timestamp",
    "verify",
]
