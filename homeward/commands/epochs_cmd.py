"""`homeward keys new-operator | new-council-kem | wrap-epoch | install-epoch | retire-epoch`:
the shared secret handed to every council with HPKE (keys/epochs.py) in announcements the
operator signs (keys/announcements.py), and the overlap of two epochs.

0. The operator, once: ``new-operator`` (its Ed25519 signing key) and gives ``operator.vkey``
   to every council, which pins it.
1. Each council: ``new-council-kem`` (its X25519 key pair) and sends ``council-kem.pub`` to
   the scheme operator.
2. The operator: ``wrap-epoch --epoch N --operator-key operator.key --to a.pub ...`` writes
   one signed, sealed file per council; the secret exists only in memory while it is sealed.
3. Each council: ``install-epoch FILE --config connector.toml`` (the operator key pinned there
   as ``operator_vkey``; or ``--operator operator.vkey``) checks the operator's signature,
   opens its copy and adds epoch N to its shared keyring; its connector then sends tokens
   under every epoch in the keyring (the overlap).
4. Once the hub has purged the old epoch (``homeward hub purge-epoch``): ``retire-epoch OLD``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from connectors.config import load_config
from connectors.errors import ConfigError
from homeward.commands.passphrase import new_passphrase, passphrase_for
from keys import SharedKeyring, new_secret, update_shared_keyring, write_shared_keyring
from keys.announcements import (
    open_signed_epoch,
    read_operator_key,
    read_operator_vkey,
    write_operator_key,
    write_signed_epoch,
)
from keys.epochs import (
    new_kem_key,
    open_epoch,
    read_kem_key,
    read_kem_public,
    seal_epoch,
    write_kem_key,
)
from keys.files import KeyFileError
from keys.notes import NoteVerifier


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    operator = actions.add_parser(
        "new-operator",
        help="scheme operator: create the Ed25519 key that signs epoch announcements",
    )
    operator.add_argument("--out", type=Path, required=True, help="folder (files are not replaced)")
    operator.add_argument("--protect", action="store_true", help="encrypt the private key file")
    operator.set_defaults(handler=new_operator)
    kem = actions.add_parser(
        "new-council-kem",
        help="create a council's X25519 key pair for receiving shared-key epochs (HPKE)",
    )
    kem.add_argument("--authority", required=True)
    kem.add_argument("--out", type=Path, required=True, help="folder (files are not replaced)")
    kem.add_argument("--protect", action="store_true", help="encrypt the private key file")
    kem.set_defaults(handler=new_council_kem)
    wrap = actions.add_parser(
        "wrap-epoch", help="operator: make an epoch's secret, sealed to each council's key"
    )
    wrap.add_argument("--epoch", type=int, required=True)
    wrap.add_argument(
        "--to", type=Path, action="append", required=True, help="a council-kem.pub (repeat)"
    )
    wrap.add_argument(
        "--operator-key", type=Path, required=True, help="operator.key, to sign each file"
    )
    wrap.add_argument("--out", type=Path, required=True, help="folder for the sealed files")
    wrap.set_defaults(handler=wrap_epoch)
    install = actions.add_parser(
        "install-epoch", help="council: open a sealed epoch and add it to the shared keyring"
    )
    install.add_argument("file", type=Path)
    install.add_argument("--kem-key", type=Path, required=True, help="council-kem.key")
    install.add_argument(
        "--keyring", type=Path, help="the shared keyring file (default: the config's)"
    )
    pinned = install.add_mutually_exclusive_group(required=True)
    pinned.add_argument(
        "--config",
        type=Path,
        help="connector.toml: the operator key it pins (operator_vkey) and its shared_keyring",
    )
    pinned.add_argument(
        "--operator",
        type=Path,
        help="the pinned operator.vkey: an announcement it did not sign is refused",
    )
    install.set_defaults(handler=install_epoch)
    retire = actions.add_parser(
        "retire-epoch", help="council: destroy an old epoch's secret (after the hub purged it)"
    )
    retire.add_argument("epoch", type=int)
    retire.add_argument("--keyring", type=Path, required=True)
    retire.set_defaults(handler=retire_epoch)


def new_operator(args: argparse.Namespace) -> int:
    private, public = write_operator_key(args.out, passphrase=new_passphrase(args))
    print(f"wrote private key {private} (keep it offline with the scheme operator)")
    print(f"wrote verifier key {public} (give it to every council to pin)")
    return 0


def new_council_kem(args: argparse.Namespace) -> int:
    key = new_kem_key(args.authority)
    private, public = write_kem_key(args.out, key, passphrase=new_passphrase(args))
    print(f"wrote private key {private} (keep it on the council's host)")
    print(f"wrote public key {public} (key id {key.public.kid}; send it to the scheme operator)")
    return 0


def wrap_epoch(args: argparse.Namespace) -> int:
    recipients = [read_kem_public(path) for path in args.to]
    codes = [r.authority for r in recipients]
    if len(set(codes)) != len(codes):
        raise KeyFileError(f"one public key per council: {', '.join(sorted(codes))}")
    targets = [args.out / f"epoch-{args.epoch}-{r.authority}.sealed" for r in recipients]
    for path in targets:
        if path.exists():
            raise KeyFileError(f"{path}: already exists; refusing to overwrite")
    signer = read_operator_key(args.operator_key, passphrase_for(args.operator_key))
    secret = new_secret()
    sealed = [seal_epoch(args.epoch, secret, r) for r in recipients]
    del secret  # never written in clear; only the sealed copies remain
    for path, copy in zip(targets, sealed, strict=True):
        write_signed_epoch(path, copy, signer)
        print(f"sealed and signed epoch {args.epoch} to {copy.authority} (key {copy.kid}): {path}")
    print(f"fingerprint of epoch {args.epoch}: {sealed[0].fingerprint} (councils compare it)")
    return 0


def install_epoch(args: argparse.Namespace) -> int:
    pinned, path = _pinned(args)
    sealed = open_signed_epoch(args.file, pinned)
    opened = open_epoch(sealed, read_kem_key(args.kem_key, passphrase_for(args.kem_key)))
    secret = opened.secret(sealed.epoch)
    if path.exists():
        keyring = update_shared_keyring(
            path, lambda k: k.with_epoch(sealed.epoch, secret), passphrase_for(path)
        )
    else:
        keyring = opened
        write_shared_keyring(path, keyring)
    print(f"installed epoch {sealed.epoch} (fingerprint {sealed.fingerprint}) in {path}")
    print(f"the connector now sends tokens under epoch(s) {_listed(keyring.epochs)}")
    return 0


def _pinned(args: argparse.Namespace) -> tuple[NoteVerifier, Path]:
    """The operator key to check the announcement with, and the keyring to install into."""
    if args.config is None:
        if args.keyring is None:
            raise ConfigError("--keyring: not given", "name the shared keyring file, or --config")
        return read_operator_vkey(args.operator), args.keyring
    config = load_config(args.config)
    if config.operator is None:
        raise ConfigError(
            f"{args.config}: operator_vkey: not set",
            "add operator_vkey, the one line of the operator's operator.vkey "
            "(README, 'Connector configuration'), or pass --operator",
        )
    return config.operator, args.keyring or config.shared_keyring


def retire_epoch(args: argparse.Namespace) -> int:
    keyring = update_shared_keyring(
        args.keyring, lambda k: _retired(k, args.epoch), passphrase_for(args.keyring)
    )
    print(f"retired epoch {args.epoch}: its secret is gone from {args.keyring}")
    print(f"the connector now sends tokens under epoch(s) {_listed(keyring.epochs)}")
    return 0


def _retired(keyring: SharedKeyring, epoch: int) -> SharedKeyring:
    if epoch == keyring.newest_epoch:
        raise KeyFileError(
            f"epoch {epoch} is the newest in this keyring: retire the old epoch, not the new one"
        )
    return keyring.without_epoch(epoch)


def _listed(epochs: list[int]) -> str:
    return ", ".join(map(str, epochs))
