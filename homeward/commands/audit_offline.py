"""`homeward audit export` and `homeward audit verify --export FILE`: an auditor copies the log
(the signed checkpoint, every entry, the tree's hashes) once it has verified it, and verifies the
copy later, offline, against the state it keeps: any edited, deleted, inserted or reordered
entry, or a checkpoint that forks from the one kept, is reported with the first bad index."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from connectors.upload import HubClient
from homeward.commands.audit_access import AuditUsageError, add_hub_arguments, through_hub
from homeward.commands.audit_sources import HubLogSource, audit_source
from homeward.commands.audit_state import read_state, report
from hub.audit import auditor
from hub.audit.export import ExportError, ExportSource, export_lines, read_export
from hub.audit.verify import Verification
from keys.notes import NoteVerifier

NEEDS_KEY = (
    "offline verification needs the hub's checkpoint key: pass --key, or --state kept by an "
    "earlier `homeward audit verify`"
)


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = actions.add_parser(
        "export",
        help="copy the log (signed checkpoint, entries, tree hashes) to a file, once verified, "
        "for `audit verify --export FILE`",
    )
    add_hub_arguments(export, required=True)
    export.add_argument("--out", type=Path, required=True, help="a new file (never overwritten)")
    export.add_argument("--state", type=Path, help="the checkpoint kept (checked, not updated)")
    export.add_argument("--key", help="the hub's checkpoint verifier key (default: --state's)")
    export.set_defaults(handler=through_hub(export_log))


def export_log(client: HubClient, args: argparse.Namespace) -> int:
    source = HubLogSource(client)
    state = read_state(args.state)
    vkey = args.key or state.vkey or client.audit_key()
    result = auditor.audit(source, [NoteVerifier.parse(vkey)], state.checkpoint)
    if report(result.verification) != 0 or result.checkpoint is None:
        print(f"nothing exported: {args.out} not written")
        return 1
    leaves = source.leaves(result.verification.entries)
    _write_new(args.out, "".join(export_lines(result.checkpoint, leaves)))
    print(f"exported {len(leaves)} entries and checkpoint to {args.out} (key {vkey})")
    return 0


def _write_new(path: Path, text: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise AuditUsageError(f"{path}: already exists; choose a new file for the export") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def verify_export(args: argparse.Namespace) -> int:
    vkey = args.key or read_state(args.state).vkey
    if vkey is None:
        raise AuditUsageError(NEEDS_KEY)
    try:
        with args.export.open(encoding="utf-8", newline="\n") as lines:
            export = read_export(str(args.export), lines)
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditUsageError(f"{args.export}: cannot read the export ({exc})") from None
    except ExportError as exc:
        print(f"error: {exc}")
        return 2
    misplaced = None
    if export.misplaced is not None:
        position, found, line = export.misplaced
        problem = (
            f"{args.export}:{line} holds entry {found} where entry {position} belongs: "
            "entries were deleted, inserted or reordered"
        )
        misplaced = Verification(False, position, "", problem, position)
    return audit_source(ExportSource(export), args, vkey, misplaced)
