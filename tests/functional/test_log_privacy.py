"""The hub's logs during the whole demo (syncs, reports, matches, notifications, webhooks,
refusals) hold no source identifier, match key or credential, and do hold the events an
operator needs."""

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from homeward.demo import run_demo
from hub.observe.logs import configure
from tests.functional.test_demo import source_identifiers

CREDENTIAL = re.compile(r"hw1\.|Bearer |whsec_|eyJ[A-Za-z0-9_-]{10,}", re.IGNORECASE)
DIGEST = re.compile(r"[0-9a-fA-F]{40,}")  # a match key, a sealed id or a secret in hex


@pytest.fixture(scope="module")
def logged_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = logging.getLogger()
    before = root.handlers[:], root.level
    stream = io.StringIO()
    configure("debug", "json", stream)
    workdir = tmp_path_factory.mktemp("demo")
    try:
        assert run_demo(workdir=workdir, children=80, seed=11, say=lambda _: None) == 0
    finally:
        root.handlers, root.level = before[0], before[1]
    yield workdir, stream.getvalue()


def test_the_logs_hold_no_identifier_or_credential(logged_demo: tuple[Path, str]) -> None:
    workdir, text = logged_demo
    scanner = source_identifiers(workdir)
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) > 50
    for line in lines:
        body = json.dumps([v for k, v in line.items() if k != "timestamp"])  # keys are ours
        assert scanner.leaks(body) == [], line
        assert not CREDENTIAL.search(body), line
        assert not DIGEST.search(body), line


def test_the_logs_tell_an_operator_what_happened(logged_demo: tuple[Path, str]) -> None:
    lines = [json.loads(line) for line in logged_demo[1].splitlines()]
    events = {line["event"] for line in lines}
    assert {"request", "sync received", "match made", "notifications created"} <= events
    request = next(line for line in lines if line["event"] == "request" and line["authority"])
    assert {"request_id", "route", "status", "duration_ms", "method"} <= set(request)
    assert request["route"].startswith("/")
    synced = next(line for line in lines if line["event"] == "sync received")
    assert synced["request_id"] and synced["children"] >= 0
