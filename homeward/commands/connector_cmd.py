"""`homeward connector ...`: sync, report an urgent event, read the inbox."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import httpx2 as httpx

from connectors.app import FOUND_NEEDS_EVENT_ID, Connector, Person, PlannedSync, ReportResult
from connectors.config import load_config
from connectors.errors import EXIT_OK, EXIT_ROWS_REJECTED, ConfigError
from connectors.pipeline import InboxItem
from connectors.upload import open_http

CONFIG_HELP = "the connector's TOML configuration file"
SYNC_EXIT_CODES = """exit codes:
  0  synced
  1  synced, but some input rows were rejected (listed on stderr with file, line and column)
  2  configuration, key file or state file unusable
  3  refused: the sync would remove more than max_removal_share of the records last sent,
     or an input table has lost more than that share of its rows since the last sync
  4  the hub refused the upload or could not be reached after retries (safe to re-run)
  5  the hub refused the connector's credential (re-running will not help until it is fixed)
 65  an input file is unusable (missing, empty, header-only, truncated, UTF-16, not
     comma-separated, a 903 table lacking); nothing sent (listed on stderr)"""


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
        help="send even if more than max_removal_share of records would be removed, or of "
        "an input table's rows have gone since the last sync",
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


@contextmanager
def connector_for(config_file: Path, http: httpx.Client | None = None) -> Iterator[Connector]:
    """The connector ``config_file`` describes, talking to its hub_url (or through ``http``)."""
    config = load_config(config_file)
    if http is not None:
        yield Connector.from_config(config, http)
        return
    with open_http(config.hub_url) as own:
        yield Connector.from_config(config, own)


def sync_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    with connector_for(args.config, http) as connector:
        planned = connector.plan()
        for problem in planned.problems:
            print(f"rejected: {problem}", file=sys.stderr)
        print(plan_summary(planned))
        result = connector.sync(
            planned,
            dry_run=args.dry_run,
            allow_mass_removal=args.allow_mass_removal,
            progress=None if args.quiet else _progress,
        )
    if result.dry_run:
        print("dry run: nothing sent")
        return EXIT_OK
    print(f"sync complete: {result.sent} records sent")
    return EXIT_ROWS_REJECTED if result.rows_rejected else EXIT_OK


def plan_summary(planned: PlannedSync) -> str:
    plan = planned.plan
    return (
        f"{planned.authority}: {planned.children_in_care} children in care, "
        f"{planned.recent_episodes} recent episodes; to send: {len(plan.children)} children, "
        f"{len(plan.episodes)} episodes, {plan.removals()} removals; "
        f"{plan.unchanged} unchanged; {plan.held} held as last sent; "
        f"{len(plan.problems)} rows rejected"
    )


def _progress(sent: int, total: int) -> None:
    print(f"\r  sent {sent}/{total}", end="" if sent < total else "\n", file=sys.stderr)


def report_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    with connector_for(args.config, http) as connector:
        result = _report(connector, args)
    print(report_line(result))
    return EXIT_OK


def _report(connector: Connector, args: argparse.Namespace) -> ReportResult:
    if not args.found:
        return connector.report(
            event_id=args.event_id,
            kind=args.kind,
            at=args.at,
            child=args.child,
            person=_person_from_flags(args),
        )
    if not args.event_id:
        raise ConfigError(FOUND_NEEDS_EVENT_ID)
    return connector.report_found(args.event_id, at=args.at)


def _person_from_flags(args: argparse.Namespace) -> Person | None:
    if not (args.forename and args.surname and args.dob):
        return None
    return Person(
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


def report_line(result: ReportResult) -> str:
    return (
        f"reported event {result.event_id} ({result.what}) to the hub; "
        f"accepted {result.receipt.episodes}"
    )


def inbox_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    with connector_for(args.config, http) as connector:
        items = connector.inbox(include_acknowledged=args.all)
        for item in items:
            print(json_line(item) if args.json else table_lines(item))
        if not items and not args.json:
            print("inbox empty")
        if items and not args.no_ack:  # only once printed: a failure in between loses nothing
            print(f"acknowledged {connector.acknowledge(items)}", file=sys.stderr)
    return EXIT_OK


def json_line(item: InboxItem) -> str:
    document = item.notification.model_dump(mode="json")
    document["fields"] = {k: v for k, v in document["fields"].items() if k != "your_reference"}
    document["your_reference"] = item.reference
    return json.dumps(document, sort_keys=True)


def table_lines(item: InboxItem) -> str:
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
