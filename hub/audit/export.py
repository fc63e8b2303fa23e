"""An export of the log for offline verification: the signed checkpoint, the exact leaf bytes
and the tree's complete subtree hashes, as JSON Lines (pure; no database).

    {"homeward_audit_export": 1, "checkpoint": "<the signed note>"}
    {"index": 0, "entry": "<leaf bytes, base64>"}          one line per entry, in order
    {"level": 0, "index": 0, "hash": "<base64>"}            every complete aligned subtree

The hashes are what the exporter computed from entries it had verified against the checkpoint.
They carry no trust: ``ExportSource`` answers consistency proofs from them and a proof either
verifies against the signed root or does not. They let ``auditor.audit`` name the first bad
index of an edited file exactly as it does against a hub (if the hashes were altered too, the
index named is the earliest the altered hashes left in doubt, never a later one).

``read_export`` never raises anything but ``ExportError``, which names the line and the remedy.
"""

import base64
import binascii
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hub.audit import merkle

FORMAT = "homeward_audit_export"
VERSION = 1
MAX_LEVEL = 48
REMEDY = "export the log again with `homeward audit export`"


class ExportError(ValueError):
    """A malformed export file: ``where`` is ``file:line``."""


@dataclass
class Export:
    checkpoint: str
    leaves: list[bytes] = field(default_factory=list)
    hashes: dict[tuple[int, int], bytes] = field(default_factory=dict)
    misplaced: tuple[int, int, int] | None = None  # (position, index found, line) of the first


def subtree_hashes(leaves: Sequence[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """Every complete aligned subtree ``(level, index, hash)`` of the tree of these leaves."""
    level, row = 0, [merkle.leaf_hash(leaf) for leaf in leaves]
    while row:
        for i, h in enumerate(row):
            yield level, i, h
        row = [merkle.node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        level += 1


def export_lines(checkpoint: str, leaves: Sequence[bytes]) -> Iterator[str]:
    yield _line({FORMAT: VERSION, "checkpoint": checkpoint})
    for i, leaf in enumerate(leaves):
        yield _line({"index": i, "entry": _b64(leaf)})
    for level, i, h in subtree_hashes(leaves):
        yield _line({"level": level, "index": i, "hash": _b64(h)})


def _line(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":")) + "\n"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def read_export(name: str, lines: Iterable[str]) -> Export:
    numbered = enumerate(lines, start=1)
    first = next(numbered, None)
    if first is None:
        raise ExportError(f"{name}:1: the file is empty; {REMEDY}")
    header = _document(name, *first)
    if header.get(FORMAT) != VERSION or not isinstance(header.get("checkpoint"), str):
        raise ExportError(
            f"{name}:1: not a Homeward audit export (expected "
            f'{{"{FORMAT}": {VERSION}, "checkpoint": ...}}); {REMEDY}'
        )
    export = Export(header["checkpoint"])
    for number, text in numbered:
        if text.strip():
            _take(export, f"{name}:{number}", number, _document(name, number, text))
    return export


def _document(name: str, number: int, text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        column = getattr(exc, "colno", 1)
        raise ExportError(f"{name}:{number}:{column}: not JSON ({exc}); {REMEDY}") from None
    if not isinstance(document, dict):
        raise ExportError(f"{name}:{number}: expected a JSON object; {REMEDY}")
    return document


def _take(export: Export, where: str, number: int, document: dict[str, Any]) -> None:
    index = document.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise ExportError(f"{where}: 'index' must be a non-negative integer; {REMEDY}")
    if "entry" in document and "hash" not in document:
        if export.hashes:
            raise ExportError(f"{where}: an entry after the hashes; {REMEDY}")
        position = len(export.leaves)
        if index != position and export.misplaced is None:
            export.misplaced = (position, index, number)
        export.leaves.append(_bytes(where, document["entry"], "entry"))
    elif "hash" in document and "entry" not in document:
        level = document.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= MAX_LEVEL:
            raise ExportError(f"{where}: 'level' must be an integer 0 to {MAX_LEVEL}; {REMEDY}")
        digest = _bytes(where, document["hash"], "hash")
        if len(digest) != merkle.HASH_SIZE:
            raise ExportError(f"{where}: 'hash' is not a SHA-256 hash; {REMEDY}")
        export.hashes[(level, index)] = digest
    else:
        raise ExportError(f"{where}: expected an 'entry' line or a 'hash' line; {REMEDY}")


def _bytes(where: str, value: object, key: str) -> bytes:
    if not isinstance(value, str):
        raise ExportError(f"{where}: '{key}' must be base64 text; {REMEDY}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ExportError(f"{where}: '{key}' is not valid base64; {REMEDY}") from None


class ExportSource:
    """An export as the auditor's ``LogSource``: no hub needed."""

    def __init__(self, export: Export) -> None:
        self.export = export

    def checkpoint(self) -> str:
        return self.export.checkpoint

    def leaves(self, size: int) -> list[bytes]:
        return self.export.leaves[:size]

    def consistency(self, first: int, second: int) -> list[bytes]:
        """A proof from the file's hashes (KeyError when one is missing: no proof)."""
        ranges = merkle.consistency_ranges(first, second)
        return merkle.prove(ranges, lambda level, i: self.export.hashes[(level, i)])
