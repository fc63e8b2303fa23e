"""The outbox against a scripted hub: reports leave it only once accepted, in order; a hub that
cannot take them now keeps them queued; a report refused for good moves aside. And the files
behind it: 0600, written whole or not at all, no match key in clear."""

import json
import os
import stat
from datetime import date
from pathlib import Path

import httpx2 as httpx
import pytest

from connectors import durable
from connectors.errors import CredentialRefused, HubUnavailable, QuotaExceeded, RequestRefused
from connectors.outbox import Outbox, QueuedReport
from connectors.state import SyncState, load_state, save_state, update_state
from hub import wire
from keys import CouncilKey
from tests.unit.connectors.test_hub_client import RECEIPT, ScriptedHub, client_for, problem

TOKEN = "ab" * 32
ACCEPTED = httpx.Response(200, json={**RECEIPT, "children": 0, "episodes": 1})


def episode(ref: str, end: date | None = None) -> wire.EpisodeRecord:
    key = wire.MatchKey(type="nhs", epoch=1, token=TOKEN)
    return wire.EpisodeRecord(
        ref=ref, match_keys=[key], kind="M", start=date(2026, 11, 25), end=end
    )


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    box = Outbox(tmp_path / "state.json", CouncilKey.generate("E08000025"))
    box.add(QueuedReport("MP-1", episode("episode-1")))
    box.add(QueuedReport("MP-1", episode("episode-1", end=date(2026, 11, 26)), found=True))
    return box


def sent_refs(hub: ScriptedHub) -> list[tuple[str, object]]:
    bodies = [json.loads(r.content) for r in hub.requests]
    return [(b["ref"], b["end"]) for b in bodies]


def test_queued_reports_are_sent_oldest_first_and_then_leave_the_outbox(outbox: Outbox) -> None:
    hub = ScriptedHub(ACCEPTED)
    result = outbox.flush(client_for(hub, []))
    assert [s.report.what for s in result.sent] == ["missing", "found"]
    assert sent_refs(hub) == [("episode-1", None), ("episode-1", "2026-11-26")]
    assert result.queued == [] and outbox.queued() == []


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (problem(503), HubUnavailable),
        (problem(401), CredentialRefused),
        (httpx.Response(429, json={"code": "quota_exceeded", "title": "Quota"}), QuotaExceeded),
    ],
)
def test_a_hub_that_cannot_take_reports_now_keeps_them_queued_in_order(
    outbox: Outbox, answer: httpx.Response, error: type[Exception]
) -> None:
    hub = ScriptedHub(answer)
    result = outbox.flush(client_for(hub, [], retries=1))
    assert isinstance(result.stopped_by, error)
    assert [r.what for r in result.queued] == ["missing", "found"]  # the found never overtook
    assert {r.episode.ref for r in outbox.queued()} == {"episode-1"}
    if error is QuotaExceeded:
        assert len(hub.requests) == 1  # a spent quota is not retried


def test_a_report_refused_for_good_moves_aside_and_the_rest_is_sent(outbox: Outbox) -> None:
    hub = ScriptedHub(problem(422, "Invalid"), ACCEPTED)
    result = outbox.flush(client_for(hub, []))
    [(refused, error)] = result.refused
    assert refused.what == "missing" and isinstance(error, RequestRefused)
    assert [s.report.what for s in result.sent] == ["found"]
    document = json.loads(outbox.path.read_text())
    assert document["queued"] == [] and len(document["refused"]) == 1


def test_the_outbox_file_is_private_and_holds_no_match_key_in_clear(outbox: Outbox) -> None:
    assert stat.S_IMODE(outbox.path.stat().st_mode) == 0o600
    assert TOKEN not in outbox.path.read_text()
    assert "episode-1" not in outbox.path.read_text()


def test_the_state_file_is_private_and_changes_are_merged(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    update_state(path, lambda s: s.events.update({"MP-1": "s1.00"}))
    update_state(path, lambda s: s.children.update({"child-1": "digest"}))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(durable.lock_file(path).stat().st_mode) == 0o600
    state = load_state(path)
    assert (state.events, state.children) == ({"MP-1": "s1.00"}, {"child-1": "digest"})


def test_an_interrupted_write_leaves_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    save_state(path, SyncState(children={"child-1": "digest"}))

    def killed(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise KeyboardInterrupt  # the process stops between writing the copy and renaming it

    monkeypatch.setattr(durable.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        save_state(path, SyncState(children={"child-1": "digest", "child-2": "other"}))
    assert load_state(path).children == {"child-1": "digest"}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no stray copy


def test_a_copy_left_by_a_killed_run_with_the_same_process_id_is_not_in_the_way(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.json"
    stale = tmp_path / f".state.json.{os.getpid()}.tmp"
    stale.write_text("half a file")
    save_state(path, SyncState(children={"child-1": "digest"}))
    assert load_state(path).children == {"child-1": "digest"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
