"""Sending one queued e-mail alert (hub/delivery/alerts.py) over SMTP, with STARTTLS and
credentials as the settings say; failures retry on the webhook schedule, then dead-letter.

The message says that notifications are waiting and nothing else a reader could use: no
child's details, no case reference, no notification id. Its ``Message-ID`` is the delivery's
id, kept on retries, so a mail system that saw it already can drop the copy."""

import json
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from sqlmodel import Session

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery import outbox
from hub.delivery.models import AlertAddress, OutboxItem

SUBJECT = "Homeward: a notification is waiting"


@dataclass(frozen=True, slots=True)
class Mailer:
    """Where and how to send: the SMTP server, STARTTLS, credentials and the sender address."""

    host: str | None
    port: int
    starttls: bool
    sender: str
    username: str | None = None
    password: str | None = None
    timeout: float = 15.0
    random: Callable[[], float] = field(default=lambda: 0.5)
    tls: ssl.SSLContext | None = None  # default: the system's trust store


def compose(
    mailer: Mailer, to: str, authority: str, message_id: str, waiting: int, now: datetime
) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mailer.sender, to, SUBJECT
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{message_id}@{mailer.sender.partition('@')[2]}>"
    several = "notifications are" if waiting != 1 else "notification is"
    message.set_content(
        f"{'A' if waiting == 1 else waiting} {several} waiting for {authority} on Homeward.\n\n"
        "Sign in to Homeward to read it. This e-mail holds no details by design: "
        "what the notification says is shown only to a signed-in duty worker.\n"
    )
    return message


def _send(mailer: Mailer, to: str, message: EmailMessage) -> None:
    if mailer.host is None:
        raise smtplib.SMTPException("no SMTP host is configured (HOMEWARD_HUB_SMTP_HOST)")
    with smtplib.SMTP(mailer.host, mailer.port, timeout=mailer.timeout) as smtp:
        if mailer.starttls:
            smtp.starttls(context=mailer.tls or ssl.create_default_context())
        if mailer.username is not None:
            smtp.login(mailer.username, mailer.password or "")
        smtp.send_message(message, to_addrs=[to])


def send(
    session: Session, audit: AuditLog, mailer: Mailer, item: OutboxItem, now: datetime
) -> bool:
    """One attempt at one e-mail alert, recorded on the item; True if the server accepted it.
    A removed address ends the delivery."""
    address = session.get(AlertAddress, item.alert_id or 0)
    if address is None or address.disabled_at is not None:
        outbox.fail(item, None, "alert address removed", now, mailer.random)
        item.state = outbox.DEAD
        return False
    waiting = int(json.loads(item.payload or "{}").get("waiting", 1))
    message = compose(mailer, address.email, address.authority, item.message_id or "", waiting, now)
    try:
        _send(mailer, address.email, message)
        error = ""
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
    if not error:
        outbox.finish(item, None, now)
    else:
        outbox.fail(item, None, error, now, mailer.random)
    if item.state != outbox.PENDING:
        audit.append(
            session,
            now,
            actor="hub",
            action=AuditAction.ALERT_DELIVER if not error else AuditAction.ALERT_DEAD,
            subject=item.recipient or "",
            detail={"alert": item.message_id, "address": address.id, "attempts": item.attempts},
        )
    return not error
