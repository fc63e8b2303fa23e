"""The delivery seam: how a grant reaches its recipient. Today the durable inbox; next an
outbox feeding webhooks and e-mail alerts."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from hub.linking.values import Link
from policies import Grant


class Deliverer(Protocol):
    def deliver(self, session: Session, link: Link, grants: Sequence[Grant], now: datetime) -> int:
        """Deliver each grant at most once per recipient, case, event and policy, in the
        caller's transaction, audited; returns how many were new."""
        ...

    def withdraw(self, session: Session, case_references: Sequence[str], now: datetime) -> int:
        """Withdraw, visibly to their recipients, every live notification of these cases (their
        matches no longer stand), in the caller's transaction, audited; returns how many."""
        ...
