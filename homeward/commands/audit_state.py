"""What an auditor keeps between runs (``--state FILE``: the hub's checkpoint key and the last
checkpoint verified), how a result is printed, and the witnesses a checkpoint must carry."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

from homeward.commands.audit_access import AuditUsageError
from hub import audit
from hub.audit.cosignature import WitnessKey, cosignatures


@dataclass(frozen=True)
class State:
    vkey: str | None = None
    checkpoint: str | None = None


def read_state(path: Path | None) -> State:
    if path is None or not path.exists():
        return State()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditUsageError(
            f"{path}: not a state file kept by `homeward audit verify` ({exc}); restore the "
            "copy you kept, or start again without --state"
        ) from None
    if not isinstance(document, dict):
        raise AuditUsageError(f"{path}: not a state file kept by `homeward audit verify`")
    vkey, checkpoint = document.get("vkey"), document.get("checkpoint")
    return State(
        vkey if isinstance(vkey, str) else None,
        checkpoint if isinstance(checkpoint, str) else None,
    )


def save_state(path: Path | None, vkey: str, checkpoint: str) -> None:
    """Replace the state file atomically (a crash leaves the old one)."""
    if path is None:
        return
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({"vkey": vkey, "checkpoint": checkpoint}) + "\n")
    os.replace(partial, path)


def report(result: audit.Verification) -> int:
    if result.ok:
        print(f"audit log verified: {result.entries} entries, root {result.root}")
        return 0
    where = "" if result.at_index is None else f" at entry {result.at_index}"
    print(f"AUDIT LOG FAILED VERIFICATION{where}: {result.problem}")
    return 1


def add_witness_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--witness",
        action="append",
        default=[],
        metavar="VKEY",
        help="a witness key to count (repeat); from `homeward audit witness-key`",
    )
    parser.add_argument(
        "--min-witnesses",
        type=int,
        help="cosignatures the checkpoint must carry from --witness keys (default: all of them)",
    )


def witnessed(args: argparse.Namespace, note: str) -> str | None:
    """Why the checkpoint lacks the cosignatures asked for, or None."""
    try:
        keys = [WitnessKey.parse(v) for v in args.witness]
    except ValueError as exc:
        raise AuditUsageError(f"--witness: {exc}") from None
    wanted = len(keys) if args.min_witnesses is None else args.min_witnesses
    if wanted > len(keys):
        raise AuditUsageError(f"--min-witnesses {wanted} needs at least {wanted} --witness keys")
    found = cosignatures(note, keys)
    if len(found) >= wanted:
        for cosigned in found:
            print(f"cosigned by witness {cosigned.witness.name} (at {cosigned.timestamp})")
        return None
    names = ", ".join(c.witness.name for c in found) or "none"
    return f"the checkpoint carries {len(found)} of the {wanted} cosignatures asked ({names})"
