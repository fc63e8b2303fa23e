"""The audit log seam: today a hash chain, next a Merkle transparency log."""

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from hub.audit.actions import AuditAction


class AuditLog(Protocol):
    def append(
        self,
        session: Session,
        at: datetime,
        *,
        actor: str,
        action: AuditAction,
        subject: str = "",
        detail: Mapping[str, object] | None = None,
    ) -> None:
        """Append one entry in the caller's transaction: it lands with the access or not at all."""
        ...
