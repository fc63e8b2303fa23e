"""`homeward audit ...`: verify the chain, query entries."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx2 as httpx
from sqlmodel import Session

from connectors.upload import HubClient, open_http
from hub import audit, wire
from hub.audit.models import AuditHead
from hub.db import engine as db
from hub.settings import HubSettings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("audit", help="verify and query the audit log")
    actions = group.add_subparsers(dest="action", required=True)
    verify = actions.add_parser(
        "verify",
        help="recompute the hash chain: from a copy of the hub database, or, as an auditor, "
        "from entries fetched through the API",
    )
    verify.add_argument("--database-url", help="default: HOMEWARD_HUB_DATABASE_URL or SQLite")
    verify.add_argument("--hub-url", help="verify through the API instead (auditor credential)")
    verify.add_argument("--credential-file", type=Path, help="with --hub-url")
    verify.set_defaults(handler=verify_command)
    query = actions.add_parser("query", help="read audit entries through the hub API")
    query.add_argument("--hub-url", required=True)
    query.add_argument("--credential-file", type=Path, required=True)
    query.add_argument("--subject", help="only entries about this subject (e.g. a case reference)")
    query.add_argument("--json", action="store_true")
    query.set_defaults(handler=query_command)


def verify_command(args: argparse.Namespace, http: httpx.Client | None = None) -> int:
    if http is not None:
        result = verify_remote(HubClient(http, _credential(args)))
    elif args.hub_url:
        with open_http(args.hub_url) as own:
            result = verify_remote(HubClient(own, _credential(args)))
    else:
        result = verify_database(args.database_url or HubSettings().database_url)
    return report(result)


def _credential(args: argparse.Namespace) -> str:
    if args.credential_file is None:
        raise SystemExit("--hub-url needs --credential-file (an auditor credential)")
    text: str = args.credential_file.read_text(encoding="utf-8").strip()
    return text


def verify_database(url: str) -> audit.Verification:
    db.require_existing(url)
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            return audit.verify(session)
    finally:
        engine.dispose()


def verify_remote(client: HubClient) -> audit.Verification:
    """Recompute the chain here, from genesis, over every entry the hub serves: the auditor
    trusts its own arithmetic, not the hub's."""
    records = [audit.from_public(e) for e in client.audit_entries()]
    tip = AuditHead(seq=len(records), hash=records[-1].hash if records else "")
    return audit.verify_chain(records, tip)


def report(result: audit.Verification) -> int:
    if result.ok:
        print(f"audit log verified: {result.entries} entries, head {result.head_hash}")
        return 0
    where = "" if result.at_seq is None else f" at entry {result.at_seq}"
    print(
        f"AUDIT LOG FAILED VERIFICATION{where}: {result.problem} "
        f"({result.entries} entries verified before it)"
    )
    return 1


def format_entry(e: wire.AuditEntry) -> str:
    detail = json.dumps(e.detail, sort_keys=True)
    return (
        f"#{e.seq:<6} {e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<10} {e.action:<20} {e.subject}  {detail}"
    )


def query_command(args: argparse.Namespace) -> int:
    credential = args.credential_file.read_text(encoding="utf-8").strip()
    with open_http(args.hub_url) as http:
        entries = HubClient(http, credential).audit_entries(args.subject)
    for entry in entries:
        print(entry.model_dump_json() if args.json else format_entry(entry))
    return 0
