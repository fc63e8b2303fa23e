"""`homeward connector ...`: sync, report an urgent event, read the inbox."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import httpx2 as httpx

from connectors import pipeline
from connectors.config import ConnectorConfig, load_config
from connectors.errors import EXIT_OK, EXIT_ROWS_REJECTED, ConfigError
from connectors.pseudonymise import Pseudonymiser
from connectors.sources import IdentityRow, read_identity
from connectors.state import load_state, save_state
from connectors.upload import HubClient
from hub import wire
from keys import KeyFileError, read_council_key, read_shared_keyring

CONFIG_HELP = "the connector's TOML configuration file"
SYNC_EXIT_CODES = """exit codes:
  0  synced
  1  synced, but some input rows were rejected (listed on stderr with file, line and column)
  2  configuration, key file or state file unusable
  3  refused: the sync would remove more than max_removal_share of the records last sent
  4  the hub refused the upload or could not be reached after retries (safe to re-run)
  5  the hub refused the connector's credential (re-running will not help until it is fixed)"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    connector = sub.add_parser("connector", help="run a council's connector")
    actions = connector.add_subparsers(dest="action", required=True)
    sync = actions.add_parser(
        "sync",
        help="send what changed since the last sync",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=SYNC_EXIT_CODES,
    )
    sync.add_argument("--config", type=Path, required=True, help=CONFIG_HELP)
    sync.add_argument(
        "--dry-run", action="store_true", help="show what would be sent; send nothing"
    )
    sync.add_argument(
        "--allow-mass-removal",
        action="store_true",
        help="send even if more than max_removal_share of records would be removed",
    )
    sync.add_argument("--quiet", action="store_true", help="no progress output")
    sync.set_defaults(handler=sync_command)
    report = actions.add_parser("report", help="push one urgent missing/away/found event now")
    report.add_argument("--config", type=Path, required=True, help=CONFIG_HELP)
    report.add_argument("--event-id", help="your reference for the event (default: generated)")
    report.add_argument(
        "--kind",
        choices=["M", "A"],
        default="M",
        help="M missing (whereabouts unknown), A away (whereabouts known)",
    )
    report.add_argument(
        "--at",
        type=datetime.fromisoformat,
        default=None,
        help="when the child went missing, or was found (ISO 8601)",
    )
    report.add_argument("--found", action="store_true", help="close an event reported earlier")
    report.add_argument("--child", help="a child id from your identity extract")
    person = report.add_argument_group(
        "a child not in your identity extract (what you know; nothing is sent in clear)"
    )
    for name in (
        "forename",
        "known-as",
        "surname",
        "former-surname",
        "sex",
        "nhs-number",
        "upn",
        "postcode",
    ):
        person.add_argument(f"--{name}", metavar=name.upper().replace("-", "_"))
    person.add_argument("--dob", type=date.fromisoformat, help="date of birth, YYYY-MM-DD")
    report.set_defaults(handler=report_command)
    inbox = actions.add_parser("inbox", help="fetch, print and acknowledge notifications")
    inbox.add_argument("--config", type=Path, required=True, help=CONFIG_HELP)
    inbox.add_argument("--json", action="store_true", help="print JSON lines")
    inbox.add_argument("--no-ack", action="store_true", help="do not acknowledge")
    inbox.add_argument("--all", action="store_true", help="include acknowledged notifications")
    inbox.set_defaults(handler=inbox_command)


def arguments(action: str, config: Path, **options: object) -> argparse.Namespace:
    """What `homeward connector <action> --config CONFIG` receives, with ``options`` set as
    already-parsed values: for callers that drive the commands from code (the demo, tests)."""
    parser = argparse.ArgumentParser(prog="homeward")
    register(parser.add_subparsers())
    args = parser.parse_args(["connector", action, "--config", str(config)])
    unknown = set(options) - set(vars(args))
    if unknown:
        raise TypeError(f"connector {action} has no options {sorted(unknown)}")
    for name, value in options.items():
        setattr(args, name, value)
    return args


def client_for(config: ConnectorConfig, http: httpx.Client | None = None) -> HubClient:
    return HubClient(
        http or httpx.Client(base_url=config.hub_url, timeout=30.0),
        config.credential,
        retries=config.retries,
    )


def pseudonymiser_for(config: ConnectorConfig) -> Pseudonymiser:
    try:
        return Pseudonymiser(
            read_shared_keyring(config.shared_keyring), read_council_key(config.council_key)
        )
    except KeyFileError as exc:
        raise ConfigError(str(exc)) from exc


def _progress(sent: int, total: int) -> None:
    print(f"\r  sent {sent}/{total}", end="" if sent < total else "\n", file=sys.stderr)


def sync_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    config = load_config(args.config)
    records = pipeline.read_sources(config)
    state = load_state(config.state_file)
    plan = pipeline.plan_sync(records, pseudonymiser_for(config), state)
    for problem in plan.problems:
        print(f"rejected: {problem}", file=sys.stderr)
    print(
        f"{config.authority}: {len(records.children)} children in care, "
        f"{len(records.episodes)} recent episodes; to send: {len(plan.children)} children, "
        f"{len(plan.episodes)} episodes, {plan.removals()} removals; "
        f"{plan.unchanged} unchanged; {len(plan.problems)} rows rejected"
    )
    pipeline.check_removals(plan, state, config.max_removal_share, args.allow_mass_removal)
    if args.dry_run:
        print("dry run: nothing sent")
        return EXIT_OK
    sent = pipeline.run_sync(
        plan, client_for(config, http), state, config, None if args.quiet else _progress
    )
    print(f"sync complete: {sent} records sent")
    return EXIT_ROWS_REJECTED if plan.problems else EXIT_OK


def _identity_from_flags(args: argparse.Namespace) -> IdentityRow | None:
    if not (args.forename and args.surname and args.dob):
        return None
    return IdentityRow(
        child_id=args.event_id,
        forename=args.forename,
        known_as=args.known_as,
        surname=args.surname,
        former_surname=args.former_surname,
        dob=args.dob,
        sex=args.sex,
        nhs_number=args.nhs_number,
        upn=args.upn,
        postcode=args.postcode,
    )


def report_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    config = load_config(args.config)
    state = load_state(config.state_file)
    at = (args.at or datetime.now()).astimezone()  # naive times are local time
    if args.found:
        if not args.event_id or args.event_id not in state.events:
            raise ConfigError("--found needs the --event-id of an event reported from here")
        earlier = wire.EpisodeRecord.model_validate_json(state.events[args.event_id])
        episode = earlier.model_copy(update={"end": at.date(), "ended_at": at})
    else:
        args.event_id = args.event_id or uuid.uuid4().hex[:12]
        episode = _new_event(config, args, at)
    receipt = client_for(config, http).send_event(episode)
    state.events[args.event_id] = episode.model_dump_json()
    save_state(config.state_file, state)
    what = "found" if args.found else {"M": "missing", "A": "away"}[episode.kind]
    print(f"reported event {args.event_id} ({what}) to the hub; accepted {receipt.episodes}")
    return EXIT_OK


def _new_event(
    config: ConnectorConfig, args: argparse.Namespace, at: datetime
) -> wire.EpisodeRecord:
    identity, own_child = _identity_from_flags(args), None
    if args.child:
        records = pipeline.read_sources(config)
        in_care = {c.identity.child_id: c.identity for c in records.children}
        if args.child in in_care:
            identity, own_child = in_care[args.child], args.child
        else:
            identity = read_identity(config.identities).by_child().get(args.child)
    if identity is None:
        raise ConfigError(
            "describe the child: --child ID from your identity extract, or "
            "--forename, --surname and --dob (plus any of --sex, --nhs-number, "
            "--upn, --postcode)"
        )
    return pseudonymiser_for(config).live_event(
        event_id=args.event_id,
        kind=args.kind,
        started_at=at,
        ended_at=None,
        identity=identity,
        own_child_id=own_child,
    )


def inbox_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    config = load_config(args.config)
    client = client_for(config, http)
    try:
        council = read_council_key(config.council_key)
    except KeyFileError as exc:
        raise ConfigError(str(exc)) from exc
    items = pipeline.fetch_inbox(client, council, include_acknowledged=args.all)
    for item in items:
        print(_json_line(item) if args.json else _table_line(item))
    if not items and not args.json:
        print("inbox empty")
    if items and not args.no_ack:
        count = client.acknowledge(
            [i.notification.id for i in items if i.notification.acknowledged_at is None]
        )
        print(f"acknowledged {count}", file=sys.stderr)
    return EXIT_OK


def _json_line(item: pipeline.InboxItem) -> str:
    document = item.notification.model_dump(mode="json")
    document["fields"] = {k: v for k, v in document["fields"].items() if k != "your_reference"}
    document["your_reference"] = item.reference
    return json.dumps(document, sort_keys=True)


def _table_line(item: pipeline.InboxItem) -> str:
    n = item.notification
    shown = {k: v for k, v in n.fields.items() if v is not None and k != "your_reference"}
    lines = [
        f"[{n.created_at:%Y-%m-%d %H:%M}] {n.event.upper()}  policy {n.policy_id} "
        f"v{n.policy_version}  id {n.id}"
    ]
    if item.reference:
        lines.append(f"    your reference: {item.reference}")
    lines.extend(f"    {k}: {v}" for k, v in sorted(shown.items()))
    return "\n".join(lines)
