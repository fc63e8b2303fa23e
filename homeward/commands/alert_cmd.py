"""`homeward hub alert ...`: the duty e-mail addresses told that a notification is waiting."""

from __future__ import annotations

import argparse

from homeward.commands.backlog_lines import print_lines
from homeward.commands.hub_settings import add_settings_arguments, hub_context
from hub import operator


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    alert = actions.add_parser(
        "alert", help="duty e-mail addresses of authorities (alerts hold no child's details)"
    )
    verbs = alert.add_subparsers(dest="alert_action", required=True)
    add = verbs.add_parser(
        "add", help="e-mail this address when a notification waits for the authority (audited)"
    )
    add_settings_arguments(add)
    add.add_argument("authority", help="ONS code of a registered authority")
    add.add_argument("--email", required=True, help="the duty inbox, e.g. duty@council.gov.uk")
    add.set_defaults(handler=add_alert)
    listing = verbs.add_parser("list", help="list addresses with pending and dead e-mails")
    add_settings_arguments(listing)
    listing.set_defaults(handler=list_alerts)
    remove = verbs.add_parser("remove", help="stop e-mailing an address (audited)")
    add_settings_arguments(remove)
    remove.add_argument("address", type=int, help="the address id (alert list)")
    remove.set_defaults(handler=remove_alert)


def add_alert(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        address = operator.add_alert(context, args.authority, args.email)
        configured = context.settings.smtp_host is not None
    print(f"alert address {address} for {args.authority}: {args.email}")
    if not configured:
        print("note: no SMTP host is set (HOMEWARD_HUB_SMTP_HOST); alerts wait until one is")
    return 0


def list_alerts(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        found = operator.list_alerts(context)
    print_lines((a, a.email) for a in found)
    return 0


def remove_alert(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        operator.remove_alert(context, args.address)
    print(f"removed alert address {args.address}")
    return 0
