"""`homeward hub ...`: initialise, migrate, serve, register authorities and their OAuth2
clients, purge, back up."""

from __future__ import annotations

import argparse
from pathlib import Path

from homeward.commands import audit_cmd, authority_cmd, signing_cmd
from homeward.commands.hub_serve import add_serve_arguments, export_settings
from homeward.commands.hub_settings import add_settings_arguments, hub_context, settings_from
from hub import operator
from hub.context import build_context
from hub.db import backup as db_backup
from hub.db import engine as db
from hub.db.migrate import upgrade_database
from hub.identity.interfaces import Scope
from hub.observe.logs import configure as configure_logs
from hub.web.session import check_session_secret
from keys import ensure_signing_keys, new_secret, read_hub_key, read_public_jwk, write_hub_key


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hub = sub.add_parser("hub", help="run and administer the hub")
    actions = hub.add_subparsers(dest="action", required=True)
    init = actions.add_parser("init", help="create the hub key and database schema")
    add_settings_arguments(init)
    init.set_defaults(handler=init_hub)
    migrate = actions.add_parser(
        "migrate", help="upgrade the database schema to this release (back it up first)"
    )
    add_settings_arguments(migrate)
    migrate.set_defaults(handler=migrate_hub)
    serve = actions.add_parser("serve", help="serve the hub API")
    add_settings_arguments(serve)
    add_serve_arguments(serve)
    serve.set_defaults(handler=serve_hub)
    authority_cmd.register(actions, add_settings_arguments)
    purge = actions.add_parser(
        "purge", help="delete notifications whose policy retention period has passed (audited)"
    )
    add_settings_arguments(purge)
    purge.set_defaults(handler=purge_hub)
    backup = actions.add_parser(
        "backup",
        help="write an online, consistent copy of the database to DEST (SQLite: VACUUM INTO; "
        "PostgreSQL: pg_dump); the copy's audit log is verified",
    )
    add_settings_arguments(backup)
    backup.add_argument("dest", type=Path, help="a new file (never overwritten), created 0600")
    backup.set_defaults(handler=backup_hub)
    _register_clients(actions)
    signing_cmd.register(actions, add_settings_arguments)
    worker = actions.add_parser(
        "worker",
        help="drain the outbox: link and share reports, send webhooks and e-mail alerts, purge "
        "what retention allows (run any number against "
        "one PostgreSQL database; set HOMEWARD_HUB_WORKER=external for the API)",
    )
    add_settings_arguments(worker)
    worker.set_defaults(handler=run_worker)
    from homeward.commands import alert_cmd, policy_sign_cmd, stats_cmd, webhook_cmd

    webhook_cmd.register(actions)
    alert_cmd.register(actions)
    stats_cmd.register(actions)
    policy_sign_cmd.register(actions)


def _register_clients(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    client = actions.add_parser("client", help="register the OAuth2 clients of authorities")
    client_actions = client.add_subparsers(dest="client_action", required=True)
    add = client_actions.add_parser(
        "add", help="register a client (private_key_jwt); prints its client id"
    )
    add_settings_arguments(add)
    add.add_argument("authority", help="ONS code of a registered authority")
    add.add_argument("--jwk", type=Path, help="its public key (client.jwk from keys new-client)")
    add.add_argument(
        "--scope",
        action="append",
        required=True,
        choices=[s.value for s in Scope],
        help="a scope it may be granted (repeat; within the authority's role)",
    )
    add.add_argument("--name", default="connector", help="what the client is, e.g. nightly sync")
    add.add_argument(
        "--client-id", help="a client of the trusted external identity provider (no --jwk)"
    )
    add.set_defaults(handler=add_client)
    listing = client_actions.add_parser("list", help="list clients")
    add_settings_arguments(listing)
    listing.set_defaults(handler=list_clients)
    revoke = client_actions.add_parser("revoke", help="revoke a client; its tokens stop at once")
    add_settings_arguments(revoke)
    revoke.add_argument("client_id")
    revoke.set_defaults(handler=revoke_client)


def init_hub(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    db.require_reachable(settings.database_url)
    if settings.key_file.exists():
        print(f"hub key already exists at {settings.key_file}; kept")
    else:
        write_hub_key(settings.key_file, new_secret())
        print(f"wrote hub key to {settings.key_file}")
    if ensure_signing_keys(settings.signing_keys_path):
        print(f"wrote token signing key to {settings.signing_keys_path}")
    _ensure_sqlite_folder(settings.database_url)
    upgrade_database(settings.database_url)
    print(f"database ready: {_redacted(settings.database_url)}")
    return 0


def migrate_hub(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    db.require_existing(settings.database_url)
    done = upgrade_database(settings.database_url)
    before = "an empty database" if done.before is None else f"revision {done.before}"
    print(f"schema of {_redacted(settings.database_url)}: {before} -> revision {done.after}")
    if settings.key_file.exists():
        sealed = operator.seal_webhook_secrets(
            settings.database_url, read_hub_key(settings.key_file)
        )
        if sealed:
            print(f"sealed the secrets of {sealed} webhook endpoints under the hub key")
    return 0


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.split('@')[-1]}" if "@" in rest else url


def serve_hub(args: argparse.Namespace) -> int:
    """Each uvicorn worker builds its app from the environment (``hub.app:serve_app``), so the
    command's options become ``HOMEWARD_HUB_…`` variables first; settings are checked here."""
    import uvicorn

    export_settings(args)
    settings = settings_from(args)
    configure_logs(settings.log_level, settings.log_format)
    db.require_existing(settings.database_url)
    check_session_secret(settings, args.workers)  # here once, not in each worker process
    uvicorn.run(
        "hub.app:serve_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        root_path=args.root_path,
        log_config=None,
        access_log=False,  # hub.observe.requests logs each request (route, not path)
    )
    return 0


def purge_hub(args: argparse.Namespace) -> int:
    context = build_context(settings_from(args))
    purged = operator.purge(context)
    context.engine.dispose()
    print(f"purged {purged} notifications past their retention period")
    return 0


def backup_hub(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    db.require_existing(settings.database_url)
    done = db_backup.backup(settings.database_url, args.dest)
    print(f"backed up {_redacted(settings.database_url)} to {done.path} ({done.method})")
    if done.method == db_backup.SQLITE:
        return audit_cmd.verify_database(f"sqlite:///{done.path}")
    return 0


def add_client(args: argparse.Namespace) -> int:
    jwk = read_public_jwk(args.jwk) if args.jwk else None
    with hub_context(args) as context:
        client_id = operator.add_client(
            context,
            authority=args.authority,
            name=args.name,
            scopes=args.scope,
            jwk=jwk,
            client_id=args.client_id,
        )
    print(client_id)
    return 0


def list_clients(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        found = operator.list_clients(context)
    for c in found:
        state = "revoked" if c.revoked_at else "active"
        kind = "external" if c.external else "private_key_jwt"
        print(f"{c.client_id}\t{c.authority}\t{state}\t{kind}\t{c.scopes}\t{c.name}")
    return 0


def revoke_client(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        operator.revoke_client(context, args.client_id)
    print(f"revoked {args.client_id}")
    return 0


def run_worker(args: argparse.Namespace) -> int:
    """Until interrupted (SIGINT or SIGTERM): what is left is picked up by the next worker."""
    import signal
    import threading

    from hub import worker

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with hub_context(args) as context:
        print("worker running; stop with Ctrl-C", flush=True)
        worker.run_forever(context, stop)
    return 0
