"""`homeward keys ...`: create and rotate key files."""

from __future__ import annotations

import argparse
from pathlib import Path

from keys import (
    SharedKeyring,
    new_secret,
    read_shared_keyring,
    write_client_key,
    write_council_key,
    write_shared_keyring,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = sub.add_parser("keys", help="create and rotate key files")
    actions = keys.add_subparsers(dest="action", required=True)
    shared = actions.add_parser("new-shared", help="create the shared keyring (councils only)")
    shared.add_argument("--out", type=Path, required=True)
    shared.add_argument("--epoch", type=int, default=1)
    shared.set_defaults(handler=new_shared)
    rotate = actions.add_parser("rotate-shared", help="add a new newest epoch to a keyring")
    rotate.add_argument("file", type=Path)
    rotate.set_defaults(handler=rotate_shared)
    council = actions.add_parser("new-council", help="create a council's own sealing key")
    council.add_argument("--authority", required=True)
    council.add_argument("--out", type=Path, required=True)
    council.set_defaults(handler=new_council)
    client = actions.add_parser(
        "new-client",
        help="create an OAuth2 client key pair: client.key (private, 0600) and client.jwk",
    )
    client.add_argument("--out", type=Path, required=True, help="folder (files are not replaced)")
    client.add_argument("--alg", choices=["Ed25519", "ES256"], default="Ed25519")
    client.set_defaults(handler=new_client)


def new_shared(args: argparse.Namespace) -> int:
    write_shared_keyring(args.out, SharedKeyring.generate(args.epoch))
    print(f"wrote shared keyring (epoch {args.epoch}) to {args.out}")
    return 0


def rotate_shared(args: argparse.Namespace) -> int:
    rotated = read_shared_keyring(args.file).rotated()
    write_shared_keyring(args.file, rotated)
    print(f"{args.file}: newest epoch is now {rotated.newest_epoch}")
    return 0


def new_council(args: argparse.Namespace) -> int:
    write_council_key(args.out, new_secret(), args.authority)
    print(f"wrote council key for {args.authority} to {args.out}")
    return 0


def new_client(args: argparse.Namespace) -> int:
    files = write_client_key(args.out, args.alg)
    print(f"wrote private key {files.private} (keep it on the connector's host)")
    print(f"wrote public key {files.public} (give it to the hub operator: hub client add)")
    return 0
