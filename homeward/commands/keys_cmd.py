"""`homeward keys ...`: create key files, hand out and install shared-key epochs, rotate the
hub key. No command overwrites an existing key unless told to (``--force``, with a warning)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from homeward.commands import epochs_cmd
from homeward.commands.passphrase import new_passphrase, passphrase_for
from keys import (
    SharedKeyring,
    add_hub_key_version,
    new_secret,
    write_client_key,
    write_council_key,
    write_shared_keyring,
)
from keys.files import PASSPHRASE_ENV

REPLACE_SHARED = (
    "WARNING: --force replaces the shared keyring. Tokens made with the old secret never match "
    "again, and a connector that sent under the old secret refuses the new one under the same "
    "epoch. Use it only for a keyring that was never used; epochs come from the operator "
    "(homeward keys install-epoch)."
)
REPLACE_COUNCIL = (
    "WARNING: --force replaces this council's own key. Child ids sealed and record references "
    "made with the old key can no longer be read: notifications about your children already at "
    "the hub become unreadable, and every record is sent again as a new one."
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = sub.add_parser("keys", help="create key files, distribute and rotate keys")
    actions = keys.add_subparsers(dest="action", required=True)
    shared = actions.add_parser(
        "new-shared",
        help="create a shared keyring from scratch (a test scheme; else install-epoch)",
    )
    shared.add_argument("--out", type=Path, required=True)
    shared.add_argument("--epoch", type=int, default=1)
    _protect_and_force(shared)
    shared.set_defaults(handler=new_shared)
    council = actions.add_parser("new-council", help="create a council's own sealing key")
    council.add_argument("--authority", required=True)
    council.add_argument("--out", type=Path, required=True)
    _protect_and_force(council)
    council.set_defaults(handler=new_council)
    client = actions.add_parser(
        "new-client",
        help="create an OAuth2 client key pair: client.key (private, 0600) and client.jwk",
    )
    client.add_argument("--out", type=Path, required=True, help="folder (files are not replaced)")
    client.add_argument("--alg", choices=["Ed25519", "ES256"], default="Ed25519")
    client.set_defaults(handler=new_client)
    epochs_cmd.register(actions)
    hub = actions.add_parser(
        "rotate-hub", help="add a new hub key version (then restart the hub and run hub rekey)"
    )
    hub.add_argument("--key-file", type=Path, required=True)
    hub.set_defaults(handler=rotate_hub)


def _protect_and_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--protect",
        action="store_true",
        help=f"encrypt the key file under a passphrase ({PASSPHRASE_ENV}, or asked for)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing key (warns)")


def _warn_replacing(path: Path, force: bool, warning: str) -> bool:
    if force and path.exists():
        print(warning, file=sys.stderr)
    return force


def new_shared(args: argparse.Namespace) -> int:
    replace = _warn_replacing(args.out, args.force, REPLACE_SHARED)
    keyring = SharedKeyring.generate(args.epoch)
    write_shared_keyring(args.out, keyring, replace=replace, passphrase=new_passphrase(args))
    print(f"wrote shared keyring (epoch {args.epoch}) to {args.out}")
    return 0


def new_council(args: argparse.Namespace) -> int:
    replace = _warn_replacing(args.out, args.force, REPLACE_COUNCIL)
    write_council_key(
        args.out, new_secret(), args.authority, replace=replace, passphrase=new_passphrase(args)
    )
    print(f"wrote council key for {args.authority} to {args.out}")
    return 0


def new_client(args: argparse.Namespace) -> int:
    files = write_client_key(args.out, args.alg)
    print(f"wrote private key {files.private} (keep it on the connector's host)")
    print(f"wrote public key {files.public} (give it to the hub operator: hub client add)")
    return 0


def rotate_hub(args: argparse.Namespace) -> int:
    version = add_hub_key_version(args.key_file, passphrase_for(args.key_file))
    print(f"{args.key_file}: added hub key version {version} (every older version is kept)")
    print("next: restart the hub with this key file, then run `homeward hub rekey`")
    return 0
