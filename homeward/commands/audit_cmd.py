"""`homeward audit ...`: verify the transparency log (a copy of the hub database, the hub's API
or an export file, against the checkpoint the auditor kept), export it, witness it, query and
export entries, sign a checkpoint. Auditors authenticate as OAuth2 clients (audit_access.py)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import httpx2 as httpx
from sqlmodel import Session

from connectors.clock import Clock, utc_now
from connectors.upload import HubClient
from homeward.commands import audit_offline, audit_witness
from homeward.commands.audit_access import add_hub_arguments, hub_client, through_hub
from homeward.commands.audit_sources import HubLogSource, audit_source
from homeward.commands.audit_state import add_witness_arguments, read_state, report
from hub import audit, wire
from hub.audit import checkpoints
from hub.audit import deep as tables
from hub.context import build_context
from hub.db import engine as db
from hub.settings import HubSettings
from keys.notes import NoteVerifier, read_checkpoint_key

__all__ = ["report", "verify_database"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("audit", help="verify and query the audit log")
    actions = group.add_subparsers(dest="action", required=True)
    verify = actions.add_parser(
        "verify",
        help="verify the transparency log: a copy of the hub database, or, as an auditor, the "
        "hub's API or an export file against the checkpoint kept in --state",
    )
    verify.add_argument("--database-url", help="default: HOMEWARD_HUB_DATABASE_URL or SQLite")
    verify.add_argument("--deep", action="store_true", help="also check the tables' commitments")
    add_hub_arguments(verify)
    verify.add_argument(
        "--export", type=Path, help="verify this file from `audit export` instead (offline)"
    )
    verify.add_argument("--state", type=Path, help="the checkpoint kept last time (updated)")
    verify.add_argument("--key", help="the hub's checkpoint verifier key (default: --state's)")
    add_witness_arguments(verify)
    verify.set_defaults(handler=verify_command)
    audit_offline.register(actions)
    audit_witness.register(actions)
    query = actions.add_parser("query", help="read audit entries through the hub API")
    add_hub_arguments(query, required=True)
    query.add_argument("--subject", help="a case reference, notification id or subject")
    for name in ("actor", "action", "policy", "since", "until"):
        query.add_argument(f"--{name}")
    query.add_argument("--format", choices=("text", "jsonl", "csv"), default="text")
    query.add_argument("--json", action="store_true", help="same as --format jsonl")
    query.set_defaults(handler=through_hub(query_entries))
    sign = actions.add_parser("checkpoint", help="sign a checkpoint now (the hub's operator)")
    sign.add_argument("--database-url", help="default: HOMEWARD_HUB_DATABASE_URL or SQLite")
    sign.set_defaults(handler=checkpoint_command)


def verify_command(
    args: argparse.Namespace, http: httpx.Client | None = None, clock: Clock = utc_now
) -> int:
    if args.export is not None:
        return audit_offline.verify_export(args)
    if args.hub_url or http is not None:
        with hub_client(args, http, clock) as client:
            return verify_remote(client, args)
    url = args.database_url or HubSettings().database_url
    return verify_database(url, deep=args.deep, key=args.key)


def _local_verifiers(key: str | None) -> list[NoteVerifier] | None:
    """The checkpoints' key: given, or the hub's own key file when it is at hand."""
    if key:
        return [NoteVerifier.parse(key)]
    path = HubSettings().checkpoint_key_path
    return [read_checkpoint_key(path).verifier] if path.exists() else None


def verify_database(url: str, *, deep: bool = False, key: str | None = None) -> int:
    db.require_existing(url)
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            code = report(audit.verify(session, _local_verifiers(key)))
            if deep and code == 0:
                code = report_deep(tables.verify_tables(session))
            return code
    finally:
        engine.dispose()


def verify_remote(client: HubClient, args: argparse.Namespace) -> int:
    """Check the hub's signature, its consistency with the checkpoint kept, and the root of
    the entries served: the auditor trusts its own arithmetic and what it kept, not the hub."""
    vkey = args.key or read_state(args.state).vkey
    if vkey is None:
        vkey = client.audit_key()
        print(f"trusting the hub's checkpoint key on first use: {vkey}")
    return audit_source(HubLogSource(client), args, vkey)


def report_deep(result: tables.DeepResult) -> int:
    if result.ok:
        print(
            f"tables match the log: {result.checked} rows checked "
            f"({result.uncommitted} recorded before commitments)"
        )
        return 0
    print(f"TABLES DIFFER FROM THE LOG: {result.problem}")
    return 1


def format_entry(e: wire.AuditEntry) -> str:
    detail = json.dumps(e.detail, sort_keys=True)
    return (
        f"#{e.index:<6} {e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<10} {e.action:<20} {e.subject}  "
        f"{' '.join(e.refs)}  {detail}"
    )


COLUMNS = ("index", "at", "actor", "action", "subject", "refs", "detail", "leaf_hash")


def query_entries(client: HubClient, args: argparse.Namespace) -> int:
    filters = {k: getattr(args, k) for k in ("actor", "action", "policy", "since", "until")}
    entries = client.audit_entries(args.subject, **filters)
    chosen = "jsonl" if args.json else args.format
    writer = csv.writer(sys.stdout) if chosen == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    for entry in entries:
        if writer is not None:
            row = entry.model_dump(mode="json")
            writer.writerow(
                [
                    " ".join(row["refs"])
                    if k == "refs"
                    else json.dumps(row[k], sort_keys=True)
                    if k == "detail"
                    else row[k]
                    for k in COLUMNS
                ]
            )
        else:
            print(entry.model_dump_json() if chosen == "jsonl" else format_entry(entry))
    return 0


def checkpoint_command(args: argparse.Namespace) -> int:
    settings = HubSettings(**({"database_url": args.database_url} if args.database_url else {}))
    hub = build_context(settings)
    try:
        with hub.transaction() as session:
            made = checkpoints.issue(session, hub.services.checkpoints, hub.clock())
            note = made.note
    finally:
        hub.engine.dispose()
    print(note, end="")
    return 0
