"""The audit log: every access and decision, appended in the transaction of the access.

``log`` appends (the ``AuditLog`` seam in ``interfaces``), ``verify`` recomputes the chain,
``service`` answers the audit API, ``actions`` names every action.
"""

from hub.audit.actions import AuditAction
from hub.audit.log import (
    GENESIS_HASH,
    HashChainLog,
    append_at,
    canonical,
    entries,
    entry_hash,
    from_public,
    public,
    timestamp,
)
from hub.audit.verify import Verification, verify, verify_chain

__all__ = [
    "GENESIS_HASH",
    "AuditAction",
    "HashChainLog",
    "Verification",
    "append_at",
    "canonical",
    "entries",
    "entry_hash",
    "from_public",
    "public",
    "timestamp",
    "verify",
    "verify_chain",
]
