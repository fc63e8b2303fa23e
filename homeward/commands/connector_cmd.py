"""`homeward connector ...`: sync, report an urgent event, send the outbox, read the inbox,
give a verdict on a notification, record a return interview."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TypeAlias

import httpx2 as httpx

from connectors.app import (
    FOUND_NEEDS_EVENT_ID,
    Connector,
    Person,
    PlannedSync,
    ReportResult,
    SyncResult,
)
from connectors.config import load_config
from connectors.errors import EXIT_OK, EXIT_QUEUED, EXIT_ROWS_REJECTED, ConfigError
from connectors.outbox import FlushResult, QueuedReport
from connectors.pipeline import InboxItem
from connectors.upload import open_http
from homeward.readable import field_lines, local_time
from hub import wire

CONFIG_HELP = "the connector's TOML configuration file"
SYNC_EXIT_CODES = """exit codes:
  0  synced
  1  synced, but some input rows were rejected (listed on stderr with file, line and column)
  2  configuration, key file or state file unusable
  3  refused: the sync would remove more than max_removal_share of the records last sent,
     or an input table has lost more than max_table_drop of its rows since the last sync
  4  the hub refused the upload or could not be reached after retries (safe to re-run)
  5  the hub refused the connector's credential (re-running will not help until it is fixed)
 65  an input file is unusable (missing, empty, header-only, truncated, UTF-16, not
     comma-separated, a 903 table lacking); nothing sent (listed on stderr)"""
REPORT_EXIT_CODES = """exit codes:
  0  the hub accepted the report
  2  configuration, key file or state file unusable, or the child not described
  4  the hub refused the report itself (e.g. 422); it is not queued
  6  queued: the hub could not take the report now (unreachable, credential refused, quota
     spent); it is kept in the outbox and sent, in order, by the next report, sync or flush"""
FLUSH_EXIT_CODES = """exit codes:
  0  the outbox is empty: every queued report reached the hub
  4  the hub could not be reached, its quota is spent, or it refused a report (see stderr)
  5  the hub refused the connector's credential"""


VERDICTS: dict[str, wire.Disposition] = {
    "confirmed": "confirmed",
    "false-match": "false_match",
    "duplicate": "duplicate",
}
Actions: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _command(actions: Actions, name: str, help: str, exit_codes: str) -> argparse.ArgumentParser:
    """A connector command taking --config, its exit codes listed under its options."""
    command = actions.add_parser(
        name, help=help, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=exit_codes
    )
    command.add_argument("--config", type=Path, required=True, help=CONFIG_HELP)
    return command


def register(sub: Actions) -> None:
    connector = sub.add_parser("connector", help="run a council's connector")
    actions = connector.add_subparsers(dest="action", required=True)
    sync = _command(actions, "sync", "send what changed since the last sync", SYNC_EXIT_CODES)
    sync.add_argument(
        "--dry-run", action="store_true", help="show what would be sent; send nothing"
    )
    sync.add_argument(
        "--allow-mass-removal",
        action="store_true",
        help="send even if more than max_removal_share of records would be removed, or more "
        "than max_table_drop of an input table's rows have gone since the last sync",
    )
    sync.add_argument("--full", action="store_true", help="send every record again, changed or not")
    sync.add_argument("--quiet", action="store_true", help="no progress output")
    sync.set_defaults(handler=sync_command)
    report = _command(
        actions, "report", "push one urgent missing/away/found event now", REPORT_EXIT_CODES
    )
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
    flush = _command(
        actions, "flush", "send the urgent reports queued in the outbox", FLUSH_EXIT_CODES
    )
    flush.set_defaults(handler=flush_command)
    inbox = actions.add_parser("inbox", help="fetch, print and acknowledge notifications")
    inbox.add_argument("--config", type=Path, required=True, help=CONFIG_HELP)
    inbox.add_argument("--json", action="store_true", help="print JSON lines")
    inbox.add_argument("--no-ack", action="store_true", help="do not acknowledge")
    inbox.add_argument("--all", action="store_true", help="include acknowledged notifications")
    inbox.add_argument(
        "--follow",
        action="store_true",
        help="keep waiting for new notifications (long-poll), printing each; stop with Ctrl-C",
    )
    inbox.set_defaults(handler=inbox_command)
    dispose = actions.add_parser(
        "dispose",
        help="your verdict on a notification; on a possible match: confirm (it becomes a link) "
        "or false-match (closed)",
    )
    dispose.add_argument("--config", type=Path, required=True, help=CONFIG_HELP)
    dispose.add_argument("id", help="the notification id (from inbox)")
    dispose.add_argument(
        "--as", dest="verdict", required=True, choices=sorted(VERDICTS), help="your verdict"
    )
    dispose.set_defaults(handler=dispose_command)
    interview = actions.add_parser(
        "interview",
        help="record the return interview after a child came back (stops the "
        "hub's 72-hour reminder)",
    )
    interview.add_argument("--config", type=Path, required=True, help=CONFIG_HELP)
    interview.add_argument(
        "reference", help="the event id you reported it under, or the case reference (HW-...)"
    )
    interview.add_argument(
        "--at", type=datetime.fromisoformat, default=None, help="when it was held (ISO 8601)"
    )
    interview.set_defaults(handler=interview_command)


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
        planned = connector.plan(full=args.full)
        for problem in planned.problems:
            print(f"rejected: {problem}", file=sys.stderr)
        if planned.full_reason:
            print(f"full sync: {planned.full_reason}")
        print(plan_summary(planned))
        result = connector.sync(
            planned,
            dry_run=args.dry_run,
            allow_mass_removal=args.allow_mass_removal,
            progress=None if args.quiet else _progress,
        )
    _print_outbox(result)
    if result.dry_run:
        print("dry run: nothing sent")
        return EXIT_OK
    print(f"sync complete: {result.sent} records sent")
    for warning in result.warnings:
        print(f"hub warning: {warning}", file=sys.stderr)
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


def _print_outbox(result: SyncResult) -> None:
    if result.outbox is not None:
        for line in outbox_lines(result.outbox):
            print(line, file=sys.stderr)


def report_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    with connector_for(args.config, http) as connector:
        result = _report(connector, args)
    flushed = result.outbox
    earlier = [s for s in flushed.sent if s.report.episode != result.episode]
    for line in outbox_lines(FlushResult(sent=earlier, refused=flushed.refused)):
        print(line, file=sys.stderr)  # reports queued before this one
    print(report_line(result))
    for warning in result.receipt.warnings if result.receipt else ():
        print(f"hub warning: {warning}", file=sys.stderr)
    if not result.queued:
        return EXIT_OK
    if flushed.stopped_by is not None:
        print(flushed.stopped_by.diagnostics(), file=sys.stderr)
    return EXIT_QUEUED


def flush_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    with connector_for(args.config, http) as connector:
        result = connector.flush()
    for line in outbox_lines(result):
        print(line)
    if not result.queued and not result.refused:
        print("outbox empty: every queued report reached the hub")
        return EXIT_OK
    if result.stopped_by is not None:
        raise result.stopped_by
    return result.refused[0][1].exit_code


def outbox_lines(result: FlushResult) -> list[str]:
    """What happened to the queued reports: sent, refused for good, or still queued."""
    lines = [f"sent queued {_event(s.report)}: accepted" for s in result.sent]
    lines += [f"refused queued {_event(r)}: {e}" for r, e in result.refused]
    lines += [f"still queued {_event(r)}" for r in result.queued]
    return lines


def _event(report: QueuedReport) -> str:
    return f"event {report.event_id} ({report.what})"


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
    if result.receipt is None:
        return (
            f"QUEUED event {result.event_id} ({result.what}): the hub did not take it now; it "
            "is kept in the outbox and will be sent by the next report, sync or "
            "`homeward connector flush`"
        )
    return (
        f"reported event {result.event_id} ({result.what}) to the hub; "
        f"accepted {result.receipt.episodes}"
    )


FOLLOW_WAIT_SECONDS = 25  # under the hub client's 30 s timeout


def inbox_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    with connector_for(args.config, http) as connector:
        if not getattr(args, "follow", False):
            _print_inbox(connector, args, connector.inbox(include_acknowledged=args.all))
            return EXIT_OK
        try:
            while True:
                items = connector.inbox(wait=FOLLOW_WAIT_SECONDS)
                if items:
                    _print_inbox(connector, args, items)
        except KeyboardInterrupt:
            return EXIT_OK


def _print_inbox(connector: Connector, args: argparse.Namespace, items: list[InboxItem]) -> None:
    for item in items:
        print(json_line(item) if args.json else table_lines(item), flush=True)
    if not items and not args.json:
        print("inbox empty")
    if items and not args.no_ack:  # only once printed: a failure in between loses nothing
        print(f"acknowledged {connector.acknowledge(items)}", file=sys.stderr)


def dispose_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    with connector_for(args.config, http) as connector:
        receipt = connector.dispose(args.id, VERDICTS[args.verdict])
    resolved = {"confirmed": "; the match is now a link", "rejected": "; the match is closed"}
    print(
        f"{receipt.notification}: {args.verdict}{resolved.get(receipt.match_resolution or '', '')}"
    )
    return EXIT_OK


def interview_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    with connector_for(args.config, http) as connector:
        receipt = connector.record_interview(args.reference, at=args.at)
    print(f"return interview recorded for {args.reference} at {receipt.interview_at.isoformat()}")
    return EXIT_OK


def json_line(item: InboxItem) -> str:
    document = item.notification.model_dump(mode="json")
    document["fields"] = {k: v for k, v in document["fields"].items() if k != "your_reference"}
    document["your_reference"] = item.reference
    return json.dumps(document, sort_keys=True)


def table_lines(item: InboxItem) -> str:
    n = item.notification
    lines = [
        f"[{local_time(n.created_at)}] {n.event.upper()}  policy {n.policy_id} "
        f"v{n.policy_version}  id {n.id}"
    ]
    if item.reference:
        lines.append(f"    your reference: {item.reference}")
    if n.disposition:
        lines.append(f"    your verdict: {n.disposition.replace('_', ' ')}")
    lines.extend(f"    {line}" for line in field_lines(n.fields, frozenset({"your_reference"})))
    return "\n".join(lines)
