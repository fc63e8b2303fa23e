"""How an auditor's commands reach the hub: an OAuth2 client (client credentials with
``private_key_jwt``, the connector's own ``ClientCredentials``) or, for one more release like
the connector, the static bearer credential of the first release."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from connectors.clock import Clock, utc_now
from connectors.errors import ConnectorError
from connectors.oauth import ClientCredentials, Credentials, StaticBearer
from connectors.upload import HubClient, open_http
from keys import read_client_key

AUDIT_SCOPE = "audit:read"


class AuditUsageError(ConnectorError):
    """An auditor's command given what it cannot use (exit 2, with the remedy)."""

    code, exit_code = "usage", 2
    remedy = "see README, 'The audit log'"


HOW = (
    "pass --client-id and --client-key-file (an OAuth2 client from `homeward hub client add`, "
    "its private key from `homeward keys new-client`), or, for this release, --credential-file"
)


def add_hub_arguments(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    parser.add_argument("--hub-url", required=required, help="the hub's base URL")
    parser.add_argument("--client-id", help="the auditor's OAuth2 client id")
    parser.add_argument(
        "--client-key-file", type=Path, help="its private JWK (from `homeward keys new-client`)"
    )
    parser.add_argument(
        "--credential-file", type=Path, help="legacy bearer credential (this release only)"
    )


def credentials(args: argparse.Namespace, clock: Clock = utc_now) -> Credentials:
    """The OAuth2 client if one is named, else the legacy credential; AuditUsageError if neither."""
    if args.client_id or args.client_key_file:
        if not (args.client_id and args.client_key_file):
            raise AuditUsageError(f"--client-id and --client-key-file go together: {HOW}")
        key = read_client_key(args.client_key_file)
        return ClientCredentials(args.client_id, key, scope=AUDIT_SCOPE, clock=clock)
    if args.credential_file is None:
        raise AuditUsageError(f"--hub-url needs a credential: {HOW}")
    try:
        text: str = args.credential_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditUsageError(
            f"{args.credential_file}: cannot read the credential ({exc})"
        ) from None
    if not text:
        raise AuditUsageError(f"{args.credential_file}: the credential file is empty")
    return StaticBearer(text)


@contextmanager
def hub_client(
    args: argparse.Namespace, http: httpx.Client | None = None, clock: Clock = utc_now
) -> Iterator[HubClient]:
    """A client for the hub at ``--hub-url`` (or over ``http``, a test's transport, with the
    test's ``clock``)."""
    chosen = credentials(args, clock)
    if http is not None:
        yield HubClient(http, chosen, clock=clock)
        return
    with open_http(args.hub_url) as own:
        yield HubClient(own, chosen, clock=clock)


Handler = Callable[[HubClient, argparse.Namespace], int]


def through_hub(handler: Handler) -> Callable[..., int]:
    """A command handler that talks to the hub (``http``: a test's transport)."""

    def run(
        args: argparse.Namespace, http: httpx.Client | None = None, clock: Clock = utc_now
    ) -> int:
        with hub_client(args, http, clock) as client:
            return handler(client, args)

    return run
