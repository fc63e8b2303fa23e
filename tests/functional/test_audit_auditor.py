"""An auditor's commands through the real app, on SQLite and PostgreSQL: authenticated as an
OAuth2 client (private_key_jwt), and the offline check of an export file, in which every
edited, deleted, inserted or reordered entry, and a forked checkpoint, is named by its first
bad index, and a malformed file is a clear error with its line, never a crash."""

import base64
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.errors import CredentialRefused
from homeward.commands.audit_access import AuditUsageError
from hub import operator
from tests.functional import test_audit_log
from tests.functional.auditor_helpers import AUDITOR, add_auditor, run
from tests.functional.oauth_helpers import refusals
from tests.functional.test_audit_tamper import rewrite

busy_hub = test_audit_log.busy_hub  # a report, a match, notifications


@pytest.fixture
def auditor(busy_hub: FastAPI, tmp_path: Path) -> list[str]:
    return add_auditor(busy_hub, tmp_path)


def test_an_auditor_verifies_and_queries_as_an_oauth2_client(
    busy_hub: FastAPI,
    client: TestClient,
    auditor: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state = tmp_path / "state.json"
    assert run(["audit", "verify", *auditor, "--state", str(state)], client) == 0
    assert "audit log verified" in capsys.readouterr().out
    assert json.loads(state.read_text())["checkpoint"].startswith("homeward")
    assert run(["audit", "query", *auditor, "--action", "match.link", "--json"], client) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["action"] == "match.link"
    issued = refusals(busy_hub, "token.issue")
    assert {t["subject"] for t in issued} == {auditor[auditor.index("--client-id") + 1]}
    assert {e["actor"] for e in refusals(busy_hub, "audit.read")} == {AUDITOR}


def test_a_revoked_auditor_client_is_refused(
    busy_hub: FastAPI, client: TestClient, auditor: list[str]
) -> None:
    operator.revoke_client(busy_hub.state.hub, auditor[auditor.index("--client-id") + 1])
    with pytest.raises(CredentialRefused):
        run(["audit", "verify", *auditor], client)


def test_an_auditor_without_a_credential_is_told_what_to_pass(client: TestClient) -> None:
    with pytest.raises(AuditUsageError, match="--client-id and --client-key-file"):
        run(["audit", "verify", "--hub-url", "http://testserver"], client)
    with pytest.raises(AuditUsageError, match="go together"):
        run(["audit", "verify", "--hub-url", "http://testserver", "--client-id", "x"], client)


@pytest.fixture
def exported(
    busy_hub: FastAPI, client: TestClient, auditor: list[str], tmp_path: Path
) -> tuple[Path, Path]:
    """An export of the busy hub's log, and the state the auditor kept while making it."""
    state, out = tmp_path / "state.json", tmp_path / "log.jsonl"
    assert run(["audit", "verify", *auditor, "--state", str(state)], client) == 0
    assert run(["audit", "export", *auditor, "--state", str(state), "--out", str(out)], client) == 0
    return out, state


def offline(export: Path, state: Path, client: TestClient) -> int:
    return run(["audit", "verify", "--export", str(export), "--state", str(state)], client)


def lines_of(export: Path) -> list[str]:
    return export.read_text().splitlines(keepends=True)


def entry_line(index: int) -> int:
    return index + 1  # the header is line 0 of the list


def edited(lines: list[str], index: int) -> list[str]:
    document = json.loads(lines[entry_line(index)])
    leaf = base64.b64decode(document["entry"]).replace(b'"actor":"', b'"actor":"X')
    document["entry"] = base64.b64encode(leaf).decode()
    return [
        *lines[: entry_line(index)],
        json.dumps(document) + "\n",
        *lines[entry_line(index) + 1 :],
    ]


def renumbered(lines: list[str]) -> list[str]:
    """Entry lines numbered by position again, as a careful forger would."""
    out, position = [], 0
    for line in lines:
        document = json.loads(line)
        if "entry" in document:
            document["index"], position = position, position + 1
        out.append(json.dumps(document) + "\n")
    return out


def swapped(lines: list[str], a: int, b: int) -> list[str]:
    out = list(lines)
    out[entry_line(a)], out[entry_line(b)] = out[entry_line(b)], out[entry_line(a)]
    return out


def without(lines: list[str], index: int) -> list[str]:
    return [line for i, line in enumerate(lines) if i != entry_line(index)]


def with_copy(lines: list[str], index: int) -> list[str]:
    return [*lines[: entry_line(index)], lines[entry_line(index + 3)], *lines[entry_line(index) :]]


TAMPERS = {
    "edited": lambda lines: edited(lines, 7),
    "deleted": lambda lines: without(lines, 7),
    "deleted, renumbered": lambda lines: renumbered(without(lines, 7)),
    "inserted": lambda lines: with_copy(lines, 7),
    "inserted, renumbered": lambda lines: renumbered(with_copy(lines, 7)),
    "reordered": lambda lines: swapped(lines, 7, 8),
    "reordered, renumbered": lambda lines: renumbered(swapped(lines, 7, 8)),
    "edited before a deletion": lambda lines: without(edited(lines, 7), 9),
}


def test_an_untouched_export_verifies_offline(
    exported: tuple[Path, Path], client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert offline(*exported, client) == 0
    assert "audit log verified" in capsys.readouterr().out


@pytest.mark.parametrize("tamper", TAMPERS, ids=list(TAMPERS))
def test_each_tampered_export_names_the_first_bad_entry(
    exported: tuple[Path, Path],
    client: TestClient,
    tamper: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export, state = exported
    kept = state.read_text()
    export.write_text("".join(TAMPERS[tamper](lines_of(export))))
    assert offline(export, state, client) == 1
    assert "FAILED VERIFICATION at entry 7:" in capsys.readouterr().out
    assert state.read_text() == kept  # nothing kept from a bad export


def test_an_export_of_a_rewritten_log_forks_from_the_checkpoint_kept(
    busy_hub: FastAPI,
    client: TestClient,
    auditor: list[str],
    exported: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, state = exported
    rewrite(busy_hub, 3, '"actor":"', '"actor":"X')  # the hub's operator rewrites history
    forged = tmp_path / "forged.jsonl"
    assert run(["audit", "export", *auditor, "--out", str(forged)], client) == 0  # no state
    capsys.readouterr()
    assert offline(forged, state, client) == 1
    assert "history was rewritten" in capsys.readouterr().out


MALFORMED = {
    "not JSON": ("{nope\n", 2),
    "not an object": ("[1, 2]\n", 2),
    "index missing": ('{"entry": "AA=="}\n', 2),
    "bad base64": ('{"index": 0, "entry": "***"}\n', 2),
    "hash too short": ('{"level": 0, "index": 0, "hash": "AAAA"}\n', 2),
    "level out of range": ('{"level": 99, "index": 0, "hash": "AAAA"}\n', 2),
    "neither entry nor hash": ('{"index": 0}\n', 2),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_export_is_an_error_naming_its_line(
    exported: tuple[Path, Path],
    client: TestClient,
    case: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export, state = exported
    header, *_ = lines_of(export)
    line, number = MALFORMED[case]
    export.write_text(header + line)
    assert offline(export, state, client) == 2
    assert f"{export}:{number}" in capsys.readouterr().out


def test_an_export_that_is_not_one_is_an_error(
    exported: tuple[Path, Path], client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    export, state = exported
    for text in ("", "hello\n", '{"checkpoint": 1}\n', "\udcff"):
        export.write_text(text, errors="surrogateescape")
        with pytest.raises(AuditUsageError) if text == "\udcff" else _nothing():
            assert offline(export, state, client) == 2
    assert f"{export}:1" in capsys.readouterr().out


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
