"""`homeward hub webhook ...`: register, list, rotate and remove webhook endpoints, and
redeliver dead-lettered deliveries."""

from __future__ import annotations

import argparse

from homeward.commands.backlog_lines import print_lines
from homeward.commands.hub_settings import add_settings_arguments, hub_context
from hub import operator


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    webhook = actions.add_parser("webhook", help="webhook endpoints of authorities")
    verbs = webhook.add_subparsers(dest="webhook_action", required=True)
    add = verbs.add_parser(
        "add", help="register an endpoint (https, public address); prints its whsec_ secret once"
    )
    add_settings_arguments(add)
    add.add_argument("authority", help="ONS code of a registered authority")
    add.add_argument("--url", required=True)
    add.set_defaults(handler=add_webhook)
    listing = verbs.add_parser("list", help="list endpoints with pending and dead deliveries")
    add_settings_arguments(listing)
    listing.set_defaults(handler=list_webhooks)
    for name, text, handler in (
        ("remove", "stop delivering to an endpoint", remove_webhook),
        (
            "rotate-secret",
            "a new secret; the old one still signs during the overlap (default 24 h)",
            rotate_webhook_secret,
        ),
        ("redeliver", "send an endpoint's dead-lettered deliveries again", redeliver_webhook),
    ):
        verb = verbs.add_parser(name, help=text)
        add_settings_arguments(verb)
        verb.add_argument("endpoint", type=int, help="the endpoint id (webhook list)")
        verb.set_defaults(handler=handler)


def add_webhook(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        endpoint, secret = operator.add_webhook(context, args.authority, args.url)
        public_key = operator.webhook_public_key(context)
    print(f"endpoint {endpoint} for {args.authority}: {args.url}")
    print(secret)
    if public_key:
        print(f"v1a public key: {public_key}")
    return 0


def list_webhooks(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        found = operator.list_webhooks(context)
    print_lines((e, e.url) for e in found)
    return 0


def remove_webhook(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        operator.remove_webhook(context, args.endpoint)
    print(f"removed endpoint {args.endpoint}")
    return 0


def rotate_webhook_secret(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        secret = operator.rotate_webhook_secret(context, args.endpoint)
    print(secret)
    return 0


def redeliver_webhook(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        again = operator.redeliver_webhooks(context, args.endpoint)
    print(f"{len(again)} deliveries queued again")
    return 0
