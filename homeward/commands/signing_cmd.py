"""`homeward hub signing-key list | rotate | retire`: the versions of the key the hub signs
OAuth2 access tokens with (hub-signing.json beside the hub key). Rotation and retirement are
audited and take effect when the hub (every worker) is next started."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from homeward.commands.hub_settings import hub_context, settings_from
from hub import operator
from keys import SigningKeyring, read_signing_keys
from keys.signing import ALGORITHMS
from keys.webhooks import public_key_text

AddSettings = Callable[[argparse.ArgumentParser], None]
RESTART = "restart the hub (every worker) to use it"


def register(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], add_settings: AddSettings
) -> None:
    signing = actions.add_parser(
        "signing-key", help="list, rotate and retire the hub's access-token signing keys"
    )
    verbs = signing.add_subparsers(dest="signing_action", required=True)
    listing = verbs.add_parser("list", help="every version, newest (signing) last")
    add_settings(listing)
    listing.set_defaults(handler=list_keys)
    rotate = verbs.add_parser(
        "rotate",
        help="add a new version that signs new tokens; older ones keep verifying (audited)",
    )
    add_settings(rotate)
    rotate.add_argument("--alg", choices=list(ALGORITHMS), help="default: the newest's")
    rotate.set_defaults(handler=rotate_key)
    retire = verbs.add_parser(
        "retire",
        help="drop an old version once its tokens have expired; they are refused (audited)",
    )
    add_settings(retire)
    retire.add_argument("kid", help="the key id (signing-key list)")
    retire.add_argument(
        "--force", action="store_true", help="even if tokens it signed may still be valid"
    )
    retire.set_defaults(handler=retire_key)


def list_keys(args: argparse.Namespace) -> int:
    keyring = read_signing_keys(settings_from(args).signing_keys_path)
    for jwk in keyring.versions:
        role = "signs" if jwk is keyring.newest else "verifies"
        created = keyring.created.get(str(jwk["kid"]), "unknown")
        print(f"{jwk['kid']}\t{jwk['alg']}\t{role}\tadded {created}")
    return 0


def rotate_key(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        keyring = operator.rotate_signing_key(context, args.alg)
    newest = keyring.newest
    print(f"added signing key {newest['kid']} ({newest['alg']}); {RESTART}")
    print(f"published in the JWKS: {', '.join(keyring.kids)}")
    _webhook_note(keyring)
    return 0


def retire_key(args: argparse.Namespace) -> int:
    with hub_context(args) as context:
        keyring = operator.retire_signing_key(context, args.kid, force=args.force)
    print(f"retired signing key {args.kid}: tokens it signed are refused once you {RESTART}")
    print(f"published in the JWKS: {', '.join(keyring.kids)}")
    return 0


def _webhook_note(keyring: SigningKeyring) -> None:
    if keyring.newest.get("alg") == "Ed25519":
        print(
            "webhook v1a signatures use the newest key too: give receivers "
            f"{public_key_text(keyring.newest)}"
        )
