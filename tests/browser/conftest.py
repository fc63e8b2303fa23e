"""Browser tests: Playwright (Python) drives Debian's Chromium (/usr/bin/chromium; never a
downloaded browser) against a real hub and the development OpenID provider on 127.0.0.1.

A missing Chromium fails these tests (CI installs it in .ci/run); they never skip."""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from homeward.web_demo import OPERATOR, WebStack, web_stack
from hub import operator
from hub.db.migrate import upgrade_database
from hub.settings import HubSettings
from hub.web.dev_provider import DevPerson
from keys import SharedKeyring, new_secret, write_hub_key
from tests.factories import CouncilSide
from tests.functional.conftest import Clock, sign_policies

CHROMIUM = os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOME, REPORTER, AUDITOR = "E08000025", "E06000023", "E99999999"
# Generous waits: the machine running the suite may be busy (not a timing assertion).
expect.set_options(timeout=20_000)
COMMITTED_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
# `make screenshots` refreshes the committed pictures; a plain test run takes them elsewhere, so
# it leaves the working tree as it found it.
IMAGES = (
    COMMITTED_IMAGES
    if os.environ.get("HOMEWARD_SCREENSHOTS") == "1"
    else Path(os.environ.get("TMPDIR", "/tmp")) / "homeward-screenshots"
)
PEOPLE = [
    DevPerson("dana", "Dana Duty", HOME, "duty_worker"),
    DevPerson("remi", "Remi Reporter", REPORTER, "duty_worker"),
    DevPerson("alex", "Alex Auditor", AUDITOR, "auditor"),
    DevPerson("olu", "Olu Operator", OPERATOR, "operator"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: Playwright's sync API runs an event loop in the main thread while it is
    started, which other tests' asyncio.run() would trip over; it stops with the module."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (see .ci/run)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 25, 2, 0, 0, tzinfo=UTC))


class Hub:
    """The served hub, its councils' API credentials and record builders, and its clock."""

    def __init__(self, stack: WebStack, clock: Clock, credentials: dict[str, str]) -> None:
        self.stack, self.clock, self.credentials = stack, clock, credentials
        keyring = SharedKeyring.generate()
        self.sides = {code: CouncilSide(code, keyring) for code in (HOME, REPORTER)}

    @property
    def url(self) -> str:
        return self.stack.hub_url

    @property
    def app(self) -> FastAPI:
        return self.stack.app


@pytest.fixture
def hub(tmp_path: Path, clock: Clock) -> Iterator[Hub]:
    database = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade_database(database)
    write_hub_key(tmp_path / "hub.key", new_secret())
    settings = HubSettings(database_url=database, key_file=tmp_path / "hub.key", worker="inline")
    with web_stack(settings, PEOPLE, clock=clock) as stack:
        context = stack.app.state.hub
        credentials = {
            code: operator.register_authority(
                context,
                code=code,
                name=name,
                contact=f"Duty team, 0121 000 {code[-4:]}",
                role=role,
            )
            for code, name, role in (
                (HOME, "Birmingham", "council"),
                (REPORTER, "Bristol", "council"),
                (AUDITOR, "Scheme auditor", "auditor"),
                (OPERATOR, "Scheme operator", "operator"),
            )
        }
        for code in (HOME, REPORTER):
            sign_policies(stack.app, code)  # a council that has not signed receives nothing
        yield Hub(stack, clock, credentials)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context()
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page whose console must stay free of errors (a CSP violation is one)."""
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    assert [e for e in errors if "status of 40" not in e] == []


def screenshot(page: Page, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)
