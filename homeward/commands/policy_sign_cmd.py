"""`homeward hub policy ...`: record, withdraw and list councils' signatures of the policies
the hub runs. A council that has not signed a policy receives and discloses nothing under it."""

from __future__ import annotations

import argparse

from homeward.commands.hub_settings import add_settings_arguments, hub_context
from hub import operator
from hub.sharing.signatures import SignatureRequest


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    policy = actions.add_parser("policy", help="councils' signatures of the sharing policies")
    verbs = policy.add_subparsers(dest="policy_action", required=True)
    sign = verbs.add_parser(
        "sign", help="record that a council signed a policy's content (from its signed agreement)"
    )
    add_settings_arguments(sign)
    sign.add_argument("policy_id")
    sign.add_argument("authority", help="ONS code of a registered council")
    sign.add_argument(
        "--hash", required=True, help="the content hash the council signed (policy check)"
    )
    sign.add_argument("--signed-by", required=True, help='e.g. "J Smith, Caldicott Guardian"')
    sign.add_argument("--agreement", required=True, help="the signed agreement's reference")
    sign.set_defaults(handler=sign_policy)
    unsign = verbs.add_parser("unsign", help="withdraw a council's signature of a policy")
    add_settings_arguments(unsign)
    unsign.add_argument("policy_id")
    unsign.add_argument("authority")
    unsign.set_defaults(handler=unsign_policy)
    listing = verbs.add_parser("signatures", help="list standing signatures")
    add_settings_arguments(listing)
    listing.set_defaults(handler=list_signatures)


def sign_policy(args: argparse.Namespace) -> int:
    request = SignatureRequest(
        args.policy_id, args.authority, args.hash, args.signed_by, args.agreement
    )
    with hub_context(args) as context:
        operator.sign_policy(context, request)
    print(f"{args.authority} signed {args.policy_id} (content {args.hash[:16]}...)")
    return 0


def unsign_policy(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        operator.unsign_policy(context, args.policy_id, args.authority)
    print(f"{args.authority} withdrew its signature of {args.policy_id}")
    return 0


def list_signatures(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        found = operator.policy_signatures(context)
    for s in found:
        state = "current" if s.current else "earlier content: sign again"
        print(
            f"{s.policy_id}\tv{s.policy_version}\t{s.authority}\t{s.signed_at.date()}\t{state}"
            f"\t{s.signed_by}\t{s.agreement}\t{s.policy_hash}"
        )
    return 0
