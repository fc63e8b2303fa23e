"""The first releases' hash chain, kept to read logs written before the transparency log.

Migration 0007 carries each chained entry into the Merkle log as a leaf of version 0 holding its
fields and its chain hash (``hub/audit/entry.py`` ``legacy_leaf``), so a chain exported before the
upgrade can still be matched entry by entry.
"""

import hashlib
import json
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64
DOMAIN = b"homeward-audit-v1\n"


def timestamp(at: datetime) -> str:
    """UTC, microseconds, ``Z``: one spelling per instant (naive values are taken as UTC)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(
    *, seq: int, at: datetime, actor: str, action: str, subject: str, detail: str, prev_hash: str
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": timestamp(at),
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": json.loads(detail),
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(DOMAIN + body.encode("ascii")).hexdigest()
