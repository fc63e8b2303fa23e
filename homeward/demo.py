"""`homeward demo`: three synthetic councils, one hub, one child found far from home.

Everything is real: the hub serves HTTP on 127.0.0.1, each council's connector reads its own
903 and identity extracts and syncs, the finding council reports the child through its
connector, and the story ends with the audit log verified and the hub database searched for
every source identifier.
"""

import io
import random
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import uvicorn
from fastapi import FastAPI
from sqlmodel import Session

from connectors.config import load_config
from connectors.upload import HubClient
from homeward import synthetic
from homeward.commands import audit_cmd, connector_cmd
from homeward.privacy_scan import Scanner, identifiers_from
from hub import admin, audit
from hub.app import create_app
from hub.settings import HubSettings
from keys import SharedKeyring, new_secret, write_council_key, write_hub_key, write_shared_keyring

Say = Callable[[str], None]
AUDITOR = "E99999999"


class DemoFailed(RuntimeError):
    """A step of the story did not happen as it must."""


@dataclass
class Demo:
    root: Path
    say: Say
    wire_log: list[bytes] = field(default_factory=list)

    def council_dir(self, code: str) -> Path:
        return self.root / "councils" / code

    def http(self, base_url: str) -> httpx.Client:
        def record(request: httpx.Request) -> None:
            self.wire_log.append(request.read())

        return httpx.Client(base_url=base_url, timeout=30.0, event_hooks={"request": [record]})


def _heading(say: Say, text: str) -> None:
    say(f"\n== {text} " + "=" * max(0, 88 - len(text)))


@contextmanager
def _workspace(workdir: Path | None) -> Iterator[Path]:
    if workdir is not None:
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
        yield workdir
        return
    with tempfile.TemporaryDirectory(prefix="homeward-demo-") as tmp:
        yield Path(tmp)


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port in a background thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def write_connector(
    demo: Demo,
    council: synthetic.Council,
    extract: synthetic.CouncilExtract,
    keyring: Path,
    credential: str,
    hub_url: str,
) -> Path:
    folder = demo.council_dir(council.code)
    synthetic.write_council_files(extract, folder)
    shutil.copy(keyring, folder / "shared.key")
    write_council_key(folder / "council.key", new_secret(), council.code)
    (folder / "credential.txt").write_text(credential + "\n", encoding="utf-8")
    (folder / "credential.txt").chmod(0o600)
    config = folder / "connector.toml"
    config.write_text(
        f'authority = "{council.code}"\nhub_url = "{hub_url}"\n'
        'credential_file = "credential.txt"\nshared_keyring = "shared.key"\n'
        'council_key = "council.key"\nstate_file = "state.json"\n\n'
        '[sources]\nssda903 = "903/"\nidentities = "identities.csv"\n'
        'postcode_lookup = "postcode_lookup.csv"\n',
        encoding="utf-8",
    )
    return config


def run_demo(
    *,
    workdir: Path | None = None,
    children: int = 400,
    seed: int = 2026,
    say: Say = print,
    wire_log: list[bytes] | None = None,
) -> int:
    """Returns 0 when the story completes and every check passes. Output goes to ``say``
    (the connector commands' own output included)."""
    with _workspace(workdir) as root, _output_to(say):
        demo = Demo(root, say, wire_log if wire_log is not None else [])
        try:
            return _story(demo, children, seed)
        except DemoFailed as exc:
            say(f"\nDemo FAILED: {exc}")
            return 1


class _Lines(io.TextIOBase):
    def __init__(self, say: Say) -> None:
        self.say, self.pending = say, ""

    def write(self, text: str) -> int:
        *complete, self.pending = (self.pending + text).split("\n")
        for line in complete:
            self.say(line)
        return len(text)


@contextmanager
def _output_to(say: Say) -> Iterator[None]:
    if say is print:
        yield
        return
    with redirect_stdout(_Lines(say)):
        yield


def _story(demo: Demo, children: int, seed: int) -> int:
    say, today = demo.say, date.today()
    councils = list(synthetic.COUNCILS[:3])
    _heading(
        say, f"1. Three councils export their 903 and identity extracts ({children} children each)"
    )
    extracts = synthetic.generate_extracts(councils, children, seed=seed, today=today)
    for e in extracts:
        out = sum(1 for c in e.children if c.placed_in.code != e.council.code)
        say(
            f"  {e.council.code} {e.council.name:<12} {len(e.children)} looked after, {out} "
            f"placed out of area, {len(e.missing)} missing/away episodes on the 903"
        )

    _heading(say, "2. The hub starts (SQLite); councils register; councils share one key")
    hub_dir = demo.root / "hub"
    write_hub_key(hub_dir / "hub.key", new_secret())
    settings = HubSettings(
        database_url=f"sqlite:///{hub_dir / 'hub.db'}", key_file=hub_dir / "hub.key"
    )
    app = create_app(settings)
    credentials = {
        c.code: admin.register_authority(app.state.hub, code=c.code, name=c.name, contact=c.contact)
        for c in councils
    }
    auditor = admin.register_authority(
        app.state.hub,
        code=AUDITOR,
        name="Scheme auditor",
        contact="audit@homeward.example",
        role="auditor",
    )
    keyring = demo.root / "councils" / "shared.key"
    write_shared_keyring(keyring, SharedKeyring.generate())
    say(f"  hub database {hub_dir / 'hub.db'}; the shared key went to the councils only")

    with serving(app) as hub_url, demo.http(hub_url) as http:
        configs = {
            e.council.code: write_connector(
                demo, e.council, e, keyring, credentials[e.council.code], hub_url
            )
            for e in extracts
        }
        _heading(say, "3. Each council's connector syncs (nothing identifying leaves it)")
        for config in configs.values():
            connector_cmd.sync_command(connector_cmd.arguments("sync", config, quiet=True), http)
        _heading(say, "   The nightly sync already tells area councils about recent episodes")
        for code, config in configs.items():
            _acknowledge_all(demo, config, credentials[code], http)

        rng = random.Random(seed)  # noqa: S311 - a reproducible story, not a secret
        home_extract, child, placed_in = synthetic.pick_runaway(extracts, rng)
        home = home_extract.council
        finder = synthetic.pick_reporting_council(councils, home, placed_in, rng)
        record = synthetic.found_person_record(child, rng)
        found_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
        _heading(
            say,
            f"4. Tonight in {finder.name}: police find a child far from home; "
            f"{finder.name}'s duty team reports them",
        )
        say(
            f"  {finder.name} records (locally): {record['forename']} {record['surname']}, "
            f"born {record['dob']}  -- sent only as match keys"
        )
        started = time.perf_counter()
        connector_cmd.report_command(
            connector_cmd.arguments(
                "report",
                configs[finder.code],
                event_id=record["child_id"],
                at=found_at,
                forename=record["forename"],
                surname=record["surname"],
                dob=date.fromisoformat(record["dob"])
                if "-" in record["dob"]
                else datetime.strptime(record["dob"], "%d/%m/%Y").date(),
                sex=record["sex"] or None,
                nhs_number=record["nhs_number"] or None,
                upn=record["upn"] or None,
                postcode=record["postcode"] or None,
            ),
            http,
        )
        say(
            f"  hub linked, applied policy and stored notifications; answered in "
            f"{(time.perf_counter() - started) * 1000:.0f} ms (never sooner than "
            f"{settings.event_response_floor_ms} ms, so timing reveals nothing)"
        )

        _heading(say, f"5. {home.name} (responsible authority) reads its inbox")
        case = _case_reference(http, credentials[home.code])
        connector_cmd.inbox_command(connector_cmd.arguments("inbox", configs[home.code]), http)
        say(
            f"  (the reference is {home.name}'s own child id {child.child_id}, unsealed by its "
            "connector; the hub cannot read it)"
        )
        _heading(say, f"6. What {finder.name} (reporting authority) was told")
        connector_cmd.inbox_command(connector_cmd.arguments("inbox", configs[finder.code]), http)
        _heading(say, f"7. {placed_in.name} (area authority, where the child is placed)")
        connector_cmd.inbox_command(connector_cmd.arguments("inbox", configs[placed_in.code]), http)

        _heading(say, f"8. The auditor's view of case {case}")
        for entry in HubClient(http, auditor).audit_entries(case):
            say("  " + audit_cmd.format_entry(entry))
    return _closing_checks(demo, app, extracts, record)


def _acknowledge_all(demo: Demo, config: Path, credential: str, http: httpx.Client) -> None:
    council = load_config(config)
    client = connector_cmd.client_for(council, http)
    notes = client.notifications()
    policies = sorted({n.policy_id for n in notes})
    demo.say(
        f"  {council.authority}: {len(notes)} notifications ({', '.join(policies) or '-'})"
        "; the duty team reads and acknowledges them"
    )
    if notes:
        client.acknowledge([n.id for n in notes])


def _case_reference(http: httpx.Client, credential: str) -> str:
    page = http.get("/v1/notifications", headers={"Authorization": f"Bearer {credential}"})
    page.raise_for_status()
    notifications = page.json()["notifications"]
    if not notifications:
        raise DemoFailed("the responsible authority was not notified of the reported child")
    return str(notifications[0]["fields"]["case_reference"])


def _closing_checks(
    demo: Demo, app: FastAPI, extracts: list[synthetic.CouncilExtract], found: dict[str, str]
) -> int:
    say, engine = demo.say, app.state.hub.engine
    _heading(say, "9. Checks")
    with Session(engine) as session:
        verified = audit.verify(session)
    say(
        f"  audit verify: {'OK' if verified.ok else 'FAILED: ' + str(verified.problem)} "
        f"({verified.entries} entries, head {verified.head_hash[:16]}...)"
    )
    scanner = Scanner(identifiers_from([*(r for e in extracts for r in e.identities), found]))
    checked, leaks = scanner.scan_database(engine)
    say(
        f"  hub database: {checked} stored values searched for {scanner.identifiers.count()} "
        f"names, dates of birth, NHS numbers, UPNs and postcodes: "
        f"{'none found' if not leaks else f'{len(leaks)} FOUND'}"
    )
    payload_leaks = [leak for body in demo.wire_log for leak in scanner.leaks(body.decode("utf-8"))]
    say(
        f"  connector payloads: {len(demo.wire_log)} requests, "
        f"{sum(map(len, demo.wire_log))} bytes searched: "
        f"{'none found' if not payload_leaks else f'{len(payload_leaks)} FOUND'}"
    )
    for leak in (leaks + payload_leaks)[:20]:
        say(f"    {leak}")
    engine.dispose()
    ok = verified.ok and not leaks and not payload_leaks
    say("\nDemo complete." if ok else "\nDemo FAILED its checks.")
    if demo.root.name.startswith("homeward-demo-"):
        say("(run `homeward demo --workdir DIR` to keep the hub and council files)")
    else:
        say(f"Everything made is kept in {demo.root}: hub/ and councils/<code>/")
    return 0 if ok else 1
