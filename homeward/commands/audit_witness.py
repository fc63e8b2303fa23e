"""`homeward audit witness-key` and `homeward audit witness`: an auditor's Ed25519 witness key
co-signs (c2sp.org/tlog-cosignature) a checkpoint it has verified: the hub's signature, and a
consistency proof from the checkpoint it kept in ``--state``. A checkpoint inconsistent with
that state is refused: no cosignature, the state unchanged, exit 1. The cosignature is printed
with the checkpoint and, unless ``--no-submit``, sent to the hub, which serves it appended to
the checkpoint (``GET /v1/audit/checkpoint``)."""

from __future__ import annotations

import argparse
import base64
import binascii
import time
from pathlib import Path

from connectors.upload import HubClient
from homeward.commands.audit_access import AuditUsageError, add_hub_arguments, through_hub
from homeward.commands.audit_sources import HubLogSource
from homeward.commands.audit_state import read_state, report, save_state
from hub import wire
from hub.audit import auditor
from hub.audit.cosignature import Witness
from keys import KeyFileError
from keys.files import passphrase_from_env, read_document, write_document
from keys.keyfiles import new_secret
from keys.notes import NoteVerifier, split_note

WITNESS_KIND = "homeward-witness-key"


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = actions.add_parser(
        "witness-key", help="make an Ed25519 witness key (file 0600); prints its verifier key"
    )
    new.add_argument("--name", required=True, help="the witness's name, e.g. audit.example.org/w1")
    new.add_argument("--out", type=Path, required=True, help="a new key file")
    new.set_defaults(handler=new_key_command)
    witness = actions.add_parser(
        "witness",
        help="co-sign the hub's checkpoint once it is consistent with the one kept in --state",
    )
    add_hub_arguments(witness, required=True)
    witness.add_argument("--witness-key", type=Path, required=True, help="from `witness-key`")
    witness.add_argument("--state", type=Path, required=True, help="the checkpoint kept (updated)")
    witness.add_argument("--key", help="the hub's checkpoint verifier key (default: --state's)")
    witness.add_argument("--no-submit", action="store_true", help="print, do not send the hub")
    witness.set_defaults(handler=through_hub(witness_checkpoint))


def write_witness_key(path: Path, name: str) -> Witness:
    seed = new_secret()
    witness = Witness(name, seed)  # refuses a name with spaces or '+'
    document = {"kind": WITNESS_KIND, "name": name, "seed": base64.b64encode(seed).decode()}
    write_document(path, document, passphrase=passphrase_from_env())
    return witness


def read_witness_key(path: Path) -> Witness:
    document = read_document(path, WITNESS_KIND)
    try:
        seed = base64.b64decode(str(document.get("seed")), validate=True)
        if len(seed) != 32:
            raise ValueError("the seed is not 32 bytes")
        return Witness(str(document.get("name")), seed)
    except (binascii.Error, ValueError) as exc:
        raise KeyFileError(f"{path}: not a witness key ({exc})") from exc


def new_key_command(args: argparse.Namespace) -> int:
    try:
        witness = write_witness_key(args.out, args.name)
    except ValueError as exc:
        raise AuditUsageError(f"--name: {exc}") from None
    print(witness.key.vkey)
    return 0


def witness_checkpoint(client: HubClient, args: argparse.Namespace) -> int:
    witness = read_witness_key(args.witness_key)
    state = read_state(args.state)
    vkey = args.key or state.vkey
    if vkey is None:
        vkey = client.audit_key()
        print(f"trusting the hub's checkpoint key on first use: {vkey}")
    result = auditor.witness_check(
        HubLogSource(client), [NoteVerifier.parse(vkey)], state.checkpoint
    )
    if result.checkpoint is None:
        report(result.verification)
        print("REFUSED TO COSIGN: the checkpoint is not consistent with the one kept")
        return 1
    body, _ = split_note(result.checkpoint)
    line = witness.cosign(body, int(time.time()))
    save_state(args.state, vkey, result.checkpoint)
    print(result.checkpoint + line, end="")
    if not args.no_submit:
        size = result.verification.entries
        submitted = wire.AuditCosignatureSubmission(
            size=size, witness_key=witness.key.vkey, cosignature=line
        )
        receipt = client.audit_cosign(submitted)
        print(f"submitted: checkpoint {receipt.size} has {receipt.cosignatures} cosignature(s)")
    return 0
