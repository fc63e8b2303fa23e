"""The demo end to end: every payload a connector sent and the whole hub database are searched
for every source identifier; the hub's files never hold the shared secret."""

from pathlib import Path

import pytest

from homeward.demo import run_demo
from homeward.privacy_scan import Scanner, identifiers_from
from homeward.synthetic import COUNCILS
from keys import read_shared_keyring


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes], list[str]]:
    workdir = tmp_path_factory.mktemp("demo")
    wire_log: list[bytes] = []
    lines: list[str] = []
    assert (
        run_demo(workdir=workdir, children=150, seed=7, say=lines.append, wire_log=wire_log) == 0
    ), "\n".join(lines)
    return workdir, wire_log, lines


def source_identifiers(workdir: Path) -> Scanner:
    import csv

    rows = []
    for council in COUNCILS[:3]:
        path = workdir / "councils" / council.code / "identities.csv"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return Scanner(identifiers_from(rows))


def test_no_connector_payload_contains_a_source_identifier(
    demo_run: tuple[Path, list[bytes], list[str]],
) -> None:
    workdir, wire_log, _ = demo_run
    scanner = source_identifiers(workdir)
    assert scanner.identifiers.count() > 1000
    assert len(wire_log) >= 6
    for body in wire_log:
        assert scanner.leaks(body.decode("utf-8")) == []


def test_the_scan_would_catch_a_leak(demo_run: tuple[Path, list[bytes], list[str]]) -> None:
    """Guard against a scan that cannot fail: plant real identifiers in a real payload."""
    import csv

    workdir, wire_log, _ = demo_run
    scanner = source_identifiers(workdir)
    path = workdir / "councils" / COUNCILS[0].code / "identities.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["nhs_number"])
    payload = wire_log[0].decode()
    for planted in (
        row["surname"].upper(),
        row["nhs_number"].replace(" ", ""),
        row["postcode"].replace(" ", "").lower(),
        row["dob"],
    ):
        assert scanner.leaks(payload[:-1] + f', "x": "{planted}"}}'), planted


def test_the_demo_tells_the_whole_story(demo_run: tuple[Path, list[bytes], list[str]]) -> None:
    _, _, lines = demo_run
    text = "\n".join(lines)
    for expected in (
        "policy notify-responsible-authority",
        "policy notify-area-authority",
        "match.link",
        "audit verify: OK",
        "none found",
        "Demo complete.",
    ):
        assert expected in text


def test_the_hub_never_holds_the_shared_secret(
    demo_run: tuple[Path, list[bytes], list[str]],
) -> None:
    """Each council installed the same secret from its own HPKE-sealed, operator-signed copy;
    no file outside the councils' own keyrings holds it: not the hub's, not the operator's,
    not the published announcements."""
    import base64

    workdir, _, _ = demo_run
    keyrings = [
        read_shared_keyring(workdir / "councils" / c.code / "shared.key") for c in COUNCILS[:3]
    ]
    secret = keyrings[0].secret(keyrings[0].newest_epoch)
    assert all(k.secret(k.newest_epoch) == secret for k in keyrings)
    assert not (workdir / "councils" / "shared.key").exists()  # handed over, never copied
    spellings = [secret, secret.hex().encode(), base64.urlsafe_b64encode(secret).rstrip(b"=")]
    elsewhere = [
        p
        for folder in ("hub", "operator", "published")
        for p in (workdir / folder).rglob("*")
        if p.is_file()
    ]
    assert any(p.name == "hub.db" for p in elsewhere)
    assert len([p for p in elsewhere if p.suffix == ".sealed"]) == 3
    for path in elsewhere:
        content = path.read_bytes()
        assert not any(s in content for s in spellings), path


def test_workdir_keeps_hub_and_council_files(demo_run: tuple[Path, list[bytes], list[str]]) -> None:
    workdir, _, _ = demo_run
    assert (workdir / "hub" / "hub.db").exists()
    for council in COUNCILS[:3]:
        folder = workdir / "councils" / council.code
        for name in ("connector.toml", "identities.csv", "903/episodes.csv", "state.json"):
            assert (folder / name).exists(), folder / name


def test_the_hub_stores_no_token_as_the_connectors_sent_it(
    demo_run: tuple[Path, list[bytes], list[str]],
) -> None:
    """Tokens are re-keyed with the hub's own secret: the shared secret alone maps nothing."""
    import json

    workdir, wire_log, _ = demo_run
    documents = [json.loads(body) for body in wire_log if body.startswith(b"{")]
    records = [
        record
        for doc in documents
        for record in (doc.get("children", []) + doc.get("episodes", []) or [doc])
    ]
    sent = {key["token"] for record in records for key in record.get("match_keys", [])}
    assert len(sent) > 1000
    stored = (workdir / "hub" / "hub.db").read_bytes()
    for suffix in ("-wal",):
        extra = workdir / "hub" / f"hub.db{suffix}"
        if extra.exists():
            stored += extra.read_bytes()
    assert not any(t.encode() in stored or bytes.fromhex(t)[:16] in stored for t in sent)


def test_the_demo_ends_with_the_web_pages_and_a_sign_in_link_per_role(
    demo_run: tuple[Path, list[bytes], list[str]],
) -> None:
    _, _, lines = demo_run
    links = [line for line in lines if "/sign-in/start?authority=" in line]
    assert any(line.startswith("Web pages: http://127.0.0.1:") for line in lines)
    assert {line.split()[0] for line in links} == {"duty", "auditor", "operator"}
