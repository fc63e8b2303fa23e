"""Duty e-mail addresses per authority, and the e-mail alerts queued to them: each says only
that notifications are waiting and that the duty worker must sign in to read them (no child's
details, no case reference, no notification id: e-mail crosses servers the hub does not trust).
Sending is hub/delivery/mail.py."""

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery import outbox
from hub.delivery.models import AlertAddress, OutboxItem
from hub.errors import InvalidRequest, NotFound

# One mailbox, no display name, no whitespace or line breaks (nothing to inject into headers).
ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True, slots=True)
class AlertListing:
    id: int
    authority: str
    email: str
    active: bool
    pending: int
    dead: int
    last_error: str | None


def add_address(
    session: Session, audit: AuditLog, authority: str, email: str, now: datetime
) -> int:
    """Register a duty inbox of ``authority``; its id. An address already active is refused."""
    if len(email) > 254 or not ADDRESS.match(email):
        raise InvalidRequest(
            f"{email!r} is not an e-mail address: give one mailbox such as duty@council.gov.uk"
        )
    active = outbox.active_of(session, AlertAddress, [authority])[authority]
    if any(a.email.lower() == email.lower() for a in active):
        raise InvalidRequest(f"{email} is already a duty address of {authority}")
    address = AlertAddress(authority=authority, email=email, created_at=now)
    session.add(address)
    session.flush()
    assert address.id is not None
    _audit(session, audit, now, address, "add")
    return address.id


def remove_address(session: Session, audit: AuditLog, address_id: int, now: datetime) -> None:
    address = session.get(AlertAddress, address_id)
    if address is None or address.disabled_at is not None:
        raise NotFound(f"no active alert address {address_id}")
    address.disabled_at = now
    session.add(address)
    _audit(session, audit, now, address, "remove")


def _audit(
    session: Session, audit: AuditLog, now: datetime, address: AlertAddress, change: str
) -> None:
    audit.append(
        session,
        now,
        actor="operator",
        action=AuditAction.ALERT_ADDRESS,
        subject=address.authority,
        detail={"address": address.id, "change": change},
    )


def list_addresses(session: Session) -> list[AlertListing]:
    backlogs = outbox.backlogs(session, col(OutboxItem.alert_id))
    rows = session.exec(select(AlertAddress).order_by(col(AlertAddress.id)))
    return [_listing(a, backlogs.get(a.id or 0, outbox.NO_BACKLOG)) for a in rows]


def _listing(a: AlertAddress, backlog: outbox.Backlog) -> AlertListing:
    return AlertListing(
        id=a.id or 0,
        authority=a.authority,
        email=a.email,
        active=a.disabled_at is None,
        pending=backlog.pending,
        dead=backlog.dead,
        last_error=backlog.last_error,
    )


def enqueue_alerts(
    session: Session,
    recipient: str,
    waiting: int,
    now: datetime,
    addresses: Sequence[AlertAddress] | None = None,
) -> list[OutboxItem]:
    """One e-mail per active duty address of ``recipient`` (``addresses``, when the caller
    read them already): ``waiting`` notifications wait."""
    if addresses is None:
        addresses = outbox.active_of(session, AlertAddress, [recipient])[recipient]
    items = [
        OutboxItem(
            kind=outbox.EMAIL,
            alert_id=address.id,
            recipient=recipient,
            message_id="msg_" + uuid.uuid4().hex,
            payload=json.dumps({"waiting": waiting}),
            next_attempt_at=now,
            created_at=now,
        )
        for address in addresses
    ]
    session.add_all(items)
    return items
