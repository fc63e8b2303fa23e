"""Where an auditor reads the log from (the hub's API, an export file) and the one audit of a
source against the state kept: signature, consistency with the kept checkpoint, the entries'
root, the witnesses asked for; the state is updated only when everything holds."""

from __future__ import annotations

import argparse

from connectors.upload import HubClient
from homeward.commands.audit_access import AuditUsageError
from homeward.commands.audit_state import read_state, report, save_state, witnessed
from hub.audit import auditor
from hub.audit.auditor import LogSource
from hub.audit.verify import Verification
from keys.notes import NoteVerifier


class HubLogSource:
    """The hub's API as the auditor's ``LogSource``."""

    def __init__(self, client: HubClient) -> None:
        self.client = client

    def checkpoint(self) -> str:
        return self.client.audit_checkpoint()

    def leaves(self, size: int) -> list[bytes]:
        return self.client.audit_leaves(size)

    def consistency(self, first: int, second: int) -> list[bytes]:
        return self.client.audit_consistency(first, second)


def audit_source(
    source: LogSource, args: argparse.Namespace, vkey: str, earlier: Verification | None = None
) -> int:
    """Audit one source against the state kept; keep its checkpoint when all is well.
    ``earlier``: a problem found before (in an export's numbering), reported if it comes first."""
    try:
        verifiers = [NoteVerifier.parse(vkey)]
    except ValueError as exc:
        raise AuditUsageError(f"--key: {exc}") from None
    result = auditor.audit(source, verifiers, read_state(args.state).checkpoint)
    found = result.verification
    if earlier is not None and _before(earlier, found):
        found = earlier
    code = report(found)
    if code == 0 and result.checkpoint is not None:
        missing = witnessed(args, result.checkpoint)
        if missing is not None:
            print(f"CHECKPOINT NOT WITNESSED: {missing}")
            return 1
        save_state(args.state, vkey, result.checkpoint)
    return code


def _before(earlier: Verification, found: Verification) -> bool:
    if earlier.at_index is None:
        return False
    return found.ok or (found.at_index is not None and earlier.at_index < found.at_index)
