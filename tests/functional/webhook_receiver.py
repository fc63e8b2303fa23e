"""A webhook receiver on 127.0.0.1 for tests: verifies every delivery with the independent
``standardwebhooks`` package (v1) and with the hub's published key (v1a), de-duplicates by
``webhook-id`` as the spec tells receivers to, and can be taken down, brought back on the same
port, or told to answer with an error status."""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook

from keys.webhooks import verify_v1a


class Receiver:
    def __init__(self, secret: str = "", public_key: str | None = None) -> None:
        self.secrets = [secret] if secret else []
        self.public_key = public_key
        self.status = 204
        self.attempts: Counter[str] = Counter()  # every verified request, by webhook-id
        self.accepted: dict[str, dict[str, Any]] = {}  # delivered once, by webhook-id
        self.rejected = 0
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        """Raises if no configured secret verifies v1, or the v1a signature is not the hub's."""
        errors: list[Exception] = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers, json_parse=False)
                break
            except Exception as exc:
                errors.append(exc)
        else:
            raise errors[0] if errors else ValueError("no secret")
        if self.public_key is not None:
            verify_v1a(
                self.public_key,
                headers["webhook-id"],
                int(headers["webhook-timestamp"]),
                body,
                headers["webhook-signature"],
            )
        document: dict[str, Any] = json.loads(body)
        return document

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        try:
            document = self.verify(body, headers)
        except Exception:
            with self.lock:
                self.rejected += 1
            return 400
        msg_id = headers["webhook-id"]
        with self.lock:
            self.attempts[msg_id] += 1
            if self.status < 300:
                self.accepted.setdefault(msg_id, document)
        return self.status

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                self.send_response(receiver.handle(body, headers))
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
