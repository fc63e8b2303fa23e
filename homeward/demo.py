"""`homeward demo`: three synthetic councils, one hub, one child found far from home.

Everything is real: the hub serves HTTP on 127.0.0.1, each council's connector reads its own
903 and identity extracts and syncs, the finding council reports the child through its
connector, and the story ends with the audit log verified and the hub database searched for
every source identifier.
"""

import random
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import uvicorn
from fastapi import FastAPI
from sqlmodel import Session

from connectors.app import Connector, Person
from connectors.config import load_config
from connectors.oauth import ClientCredentials
from connectors.upload import HubClient
from homeward import synthetic, web_demo
from homeward.commands import audit_cmd, connector_cmd
from homeward.demo_keys import hand_out_epoch
from homeward.privacy_scan import Scanner, identifiers_from
from hub import audit, operator, worker
from hub.app import create_app
from hub.db.migrate import upgrade_database
from hub.settings import HubSettings
from keys import (
    new_secret,
    read_client_key,
    read_public_jwk,
    write_client_key,
    write_council_key,
    write_hub_key,
)

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


def oauth_client(app: FastAPI, code: str, folder: Path, scopes: list[str]) -> str:
    """What a council and the operator do for a new client: `homeward keys new-client` on the
    council's side, `homeward hub client add` with the public key on the hub's side."""
    files = write_client_key(folder)
    return operator.add_client(
        app.state.hub, authority=code, name="demo", scopes=scopes, jwk=read_public_jwk(files.public)
    )


def write_connector(
    demo: Demo,
    council: synthetic.Council,
    extract: synthetic.CouncilExtract,
    client_id: str,
    hub_url: str,
) -> Path:
    """The council's folder: its extracts, keys (client.key from `keys new-client`, shared.key
    from `keys install-epoch`) and config."""
    folder = demo.council_dir(council.code)
    synthetic.write_council_files(extract, folder)
    write_council_key(folder / "council.key", new_secret(), council.code)
    config = folder / "connector.toml"
    config.write_text(
        f'authority = "{council.code}"\nhub_url = "{hub_url}"\n'
        f'client_id = "{client_id}"\nclient_key_file = "client.key"\n'
        'shared_keyring = "shared.key"\n'
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
    """Returns 0 when the story completes and every check passes. Output goes to ``say``."""
    with _workspace(workdir) as root:
        demo = Demo(root, say, wire_log if wire_log is not None else [])
        try:
            return _story(demo, children, seed)
        except DemoFailed as exc:
            say(f"\nDemo FAILED: {exc}")
            return 1


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
    upgrade_database(settings.database_url)
    app = create_app(settings)
    for c in councils:
        operator.register_authority(app.state.hub, code=c.code, name=c.name, contact=c.contact)
        operator.sign_every_policy(app.state.hub, c.code, f"DPO, {c.name}", f"DSA-{c.code}")
    council_scopes = ["records:write", "events:write", "notifications:read"]
    clients = {
        c.code: oauth_client(app, c.code, demo.council_dir(c.code), council_scopes)
        for c in councils
    }
    operator.register_authority(
        app.state.hub,
        code=AUDITOR,
        name="Scheme auditor",
        contact="audit@homeward.example",
        role="auditor",
    )
    auditor_dir = demo.root / "auditor"
    auditor = ClientCredentials(
        oauth_client(app, AUDITOR, auditor_dir, ["audit:read"]),
        read_client_key(auditor_dir / "client.key"),
    )
    handed = hand_out_epoch(demo.root, {c.code: demo.council_dir(c.code) for c in councils})
    if len(handed.fingerprints) != 1:
        raise DemoFailed("the councils installed different shared secrets")
    say(f"  hub database {hub_dir / 'hub.db'}; the shared key went to the councils only:")
    say(
        f"  the operator sealed epoch {handed.epoch} to each council's X25519 key (HPKE) and "
        "signed each announcement; each council checked the signature against its pinned "
        f"operator key and installed its copy (fingerprint {next(iter(handed.fingerprints))[:16]}…)"
    )
    say(
        "  each council made a client key pair; the hub registered its public key "
        "(OAuth2 client credentials, private_key_jwt)"
    )

    with serving(app) as hub_url, demo.http(hub_url) as http:
        connectors = {
            e.council.code: Connector.from_config(
                load_config(write_connector(demo, e.council, e, clients[e.council.code], hub_url)),
                http,
            )
            for e in extracts
        }
        _heading(say, "3. Each council's connector syncs (nothing identifying leaves it)")
        for connector in connectors.values():
            _sync(demo, connector)
        _settle(app)
        _heading(say, "   The nightly sync already tells area councils about recent episodes")
        for connector in connectors.values():
            _acknowledge_all(demo, connector)

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
        report = connectors[finder.code].report(
            event_id=record["child_id"], at=found_at, person=_person(record)
        )
        say(connector_cmd.report_line(report))
        say(
            f"  hub stored the report and answered in "
            f"{(time.perf_counter() - started) * 1000:.0f} ms, the same answer known or not; "
            "its worker then linked, applied policy and stored notifications"
        )

        _heading(say, f"5. {home.name} (responsible authority) reads its inbox")
        case = _case_reference(connectors[home.code])
        _read_inbox(demo, connectors[home.code])
        say(
            f"  (the reference is {home.name}'s own child id {child.child_id}, unsealed by its "
            "connector; the hub cannot read it)"
        )
        _heading(say, f"6. What {finder.name} (reporting authority) was told")
        _read_inbox(demo, connectors[finder.code])
        _heading(say, f"7. {placed_in.name} (area authority, where the child is placed)")
        _read_inbox(demo, connectors[placed_in.code])

        _heading(say, f"8. The auditor's view of case {case}")
        for entry in HubClient(http, auditor).audit_entries(case):
            say("  " + audit_cmd.format_entry(entry))
    status = _closing_checks(demo, app, extracts, record)
    if status == 0:  # the web pages over this hub, and a one-time sign-in link per role
        web_demo.offer_sign_in(settings, [(c.code, c.name) for c in councils], AUDITOR, say)
    return status


def _sync(demo: Demo, connector: Connector) -> None:
    result = connector.sync()
    for problem in result.planned.problems:
        demo.say(f"rejected: {problem}")
    demo.say(connector_cmd.plan_summary(result.planned))
    demo.say(f"sync complete: {result.sent} records sent")


def _acknowledge_all(demo: Demo, connector: Connector) -> None:
    items = connector.inbox()
    policies = sorted({i.notification.policy_id for i in items})
    demo.say(
        f"  {connector.config.authority}: {len(items)} notifications "
        f"({', '.join(policies) or '-'}); the duty team reads and acknowledges them"
    )
    connector.acknowledge(items)


def _person(record: dict[str, str]) -> Person:
    """The finding council's own record of the child, as its duty team would type it in."""
    dob = record["dob"]
    return Person(
        forename=record["forename"],
        surname=record["surname"],
        dob=date.fromisoformat(dob) if "-" in dob else datetime.strptime(dob, "%d/%m/%Y").date(),
        sex=record["sex"] or None,
        nhs_number=record["nhs_number"] or None,
        upn=record["upn"] or None,
        postcode=record["postcode"] or None,
    )


def _settle(app: FastAPI) -> None:
    """Wait for the hub's worker thread to link and share what was just sent."""
    if not worker.wait_until_idle(app.state.hub, 60):
        raise DemoFailed("the hub's worker did not finish sharing within a minute")


def _case_reference(home: Connector) -> str:
    items = home.inbox(wait=10)  # long-poll: the worker shares the report just after it
    if not items:
        raise DemoFailed("the responsible authority was not notified of the reported child")
    return str(items[0].notification.fields["case_reference"])


def _read_inbox(demo: Demo, connector: Connector) -> None:
    """What `homeward connector inbox` prints, then acknowledged."""
    items = connector.inbox()
    lines = [line for i in items for line in connector_cmd.table_lines(i).splitlines()]
    for line in lines or ["inbox empty"]:
        demo.say(line)
    if items:
        demo.say(f"acknowledged {connector.acknowledge(items)}")


def _closing_checks(
    demo: Demo, app: FastAPI, extracts: list[synthetic.CouncilExtract], found: dict[str, str]
) -> int:
    say, engine = demo.say, app.state.hub.engine
    _heading(say, "9. Checks")
    with Session(engine) as session:
        verified = audit.verify(session)
    say(
        f"  audit verify: {'OK' if verified.ok else 'FAILED: ' + str(verified.problem)} "
        f"({verified.entries} entries, root {verified.root[:16]}...)"
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
