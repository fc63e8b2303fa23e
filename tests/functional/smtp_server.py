"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd): keeps every message it accepts, can
require a user name and password, and can be stopped and started again on the same port."""

import socket
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailServer:
    def __init__(self, login: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self.login = login
        self.messages: list[tuple[list[str], bytes]] = []  # (recipients, raw message)
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.messages.append((list(envelope.rcpt_tos), bytes(content)))
        return "250 OK"

    def _authenticate(
        self, server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        good = isinstance(data, LoginPassword) and self.login == (
            data.login.decode(),
            data.password.decode(),
        )
        return AuthResult(success=good)

    def start(self) -> "MailServer":
        options: dict[str, Any] = {}
        if self.login is not None:
            options = {
                "authenticator": self._authenticate,
                "auth_require_tls": False,
                "auth_required": True,
            }
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def parsed(self) -> list[Message]:
        return [message_from_bytes(raw) for _, raw in self.messages]
