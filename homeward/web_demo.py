"""The web pages with the development OpenID provider, on 127.0.0.1: how `homeward demo` ends
(the hub's URL and a one-time sign-in link for each role) and what the browser tests run.

The provider serves one issuer per authority; the hub is configured with those issuers and a
development client secret. Both are refused by production settings."""

import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI

from hub import operator
from hub.app import create_app
from hub.context import Clock, build_context, utc_now
from hub.settings import HubSettings
from hub.web.dev_provider import DevPerson, DevProvider, provider_app

OPERATOR = "E99999000"
CLIENT_SECRET = "development-only-client-secret"  # noqa: S105 - the local provider's, by design
ROLE_NAMES = {"duty_worker": "duty worker", "auditor": "auditor", "operator": "operator"}


@dataclass
class WebStack:
    """A hub app with its web pages, served, and the provider its people sign in at."""

    app: FastAPI
    provider: DevProvider
    hub_url: str

    def sign_in_link(self, subject: str) -> str:
        """A one-time link: it signs ``subject`` in without the provider's chooser."""
        person = self.provider.people[subject]
        hint = self.provider.one_time_hint(subject)
        query = urlencode({"authority": person.authority, "login_hint": hint})
        return f"{self.hub_url}/sign-in/start?{query}"


def bound() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextmanager
def serving(app: FastAPI, sock: socket.socket) -> Iterator[str]:
    """Serve ``app`` on ``sock`` in a background thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def with_web(settings: HubSettings, provider_url: str, authorities: list[str]) -> HubSettings:
    """``settings`` with an issuer at the provider for each authority."""
    issuers = {code: f"{provider_url}/{code}" for code in authorities}
    return settings.model_copy(update={"web_issuers": issuers, "web_client_secret": CLIENT_SECRET})


@contextmanager
def web_stack(
    settings: HubSettings,
    people: list[DevPerson],
    *,
    clock: Clock = utc_now,
    app: Callable[[HubSettings], FastAPI] | None = None,
) -> Iterator[WebStack]:
    """The hub (``app(settings)``, by default ``create_app``) and the provider, both served."""
    hub_sock, provider_sock = bound(), bound()
    hub_settings = with_web(settings, url_of(provider_sock), sorted({p.authority for p in people}))
    provider = DevProvider(hub_settings, people, url_of(provider_sock), lambda: clock().timestamp())
    hub_app = (app or (lambda s: create_app(s, clock=clock)))(hub_settings)
    with serving(provider_app(provider), provider_sock), serving(hub_app, hub_sock) as hub_url:
        try:
            yield WebStack(hub_app, provider, hub_url)
        finally:
            if hub_app.state.worker is not None:
                hub_app.state.worker.stop()
            hub_app.state.hub.engine.dispose()


def demo_people(councils: list[tuple[str, str]], auditor: str) -> list[DevPerson]:
    """A duty worker at each council, the scheme's auditor and its operator."""
    people = [
        DevPerson(f"duty-{code.lower()}", f"Duty worker, {name}", code, "duty_worker")
        for code, name in councils
    ]
    return [
        *people,
        DevPerson("auditor", "Scheme auditor", auditor, "auditor"),
        DevPerson("operator", "Scheme operator", OPERATOR, "operator"),
    ]


def offer_sign_in(
    settings: HubSettings, councils: list[tuple[str, str]], auditor: str, say: Callable[[str], None]
) -> None:
    """How `homeward demo` ends: the web pages served over the demo's hub database, and a
    one-time sign-in link per role; served until Ctrl-C when run in a terminal."""
    context = build_context(settings)
    if OPERATOR not in {a.code for a in operator.list_authorities(context)}:
        operator.register_authority(
            context,
            code=OPERATOR,
            name="Scheme operator",
            contact="operator@homeward.example",
            role="operator",
        )
    context.engine.dispose()
    people = demo_people(councils, auditor)
    with web_stack(settings, people) as stack:
        say("")
        say(f"Web pages: {stack.hub_url}/ (development sign-in; each link works once)")
        for person in people:
            link = stack.sign_in_link(person.subject)
            say(f"  {ROLE_NAMES[person.role]:<12} {person.name:<32} {link}")
        if sys.stdin.isatty() and os.environ.get("HOMEWARD_DEMO_SERVE", "1") != "0":
            say("Serving until Ctrl-C.")
            _wait()


def _wait() -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return
