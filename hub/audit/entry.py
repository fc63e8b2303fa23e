"""An audit entry as leaf bytes: RFC 8785 canonical JSON, and back.

A leaf of version 1 is ``{"v": 1, "at", "actor", "action", "subject", "refs", "detail"}``;
``refs`` lists the case references and notification ids the access touched, so a case's trail
shows every read and acknowledgement of its notifications. Entries hold commitments and
pseudonymous references, never personal data. A leaf of version 0 is a hash-chained entry of
the first releases carried over by migration 0007 (its fields, and ``chain``: its sequence
number, previous hash and hash).

Canonical JSON here is RFC 8785 for the values entries hold (objects, arrays, strings,
integers, booleans, null): members sorted by UTF-16 code units, no insignificant whitespace,
minimal string escapes. Floats are refused rather than formatted.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hub.audit.legacy import timestamp

VERSION = 1


class NotAnEntry(ValueError):
    """Leaf bytes that are not a canonical audit entry."""


def _check(value: object) -> None:
    if isinstance(value, float):
        raise ValueError("audit entries hold no floating-point numbers")
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError("object member names are strings")
            _check(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _check(v)


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be")


def _sorted(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _sorted(value[k]) for k in sorted(value, key=_utf16)}
    if isinstance(value, list | tuple):
        return [_sorted(v) for v in value]
    return value


def canonical_json(value: object) -> bytes:
    _check(value)
    text = json.dumps(_sorted(value), separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    subject: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)
    refs: Sequence[str] = ()
    version: int = VERSION
    chain: Mapping[str, Any] | None = None

    def leaf(self) -> bytes:
        body: dict[str, object] = {
            "v": self.version,
            "at": timestamp(self.at),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "detail": dict(self.detail),
        }
        if self.version >= 1:
            body["refs"] = sorted(set(self.refs))
        if self.chain is not None:
            body["chain"] = dict(self.chain)
        return canonical_json(body)


def parse_leaf(leaf: bytes) -> Entry:
    """The entry these leaf bytes encode; NotAnEntry unless they are exactly its canonical form."""
    try:
        body = json.loads(leaf.decode("utf-8"))
        at = datetime.strptime(body["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        entry = Entry(
            at=at,
            actor=_text(body["actor"]),
            action=_text(body["action"]),
            subject=_text(body["subject"]),
            detail=_mapping(body["detail"]),
            refs=[_text(r) for r in body.get("refs", [])],
            version=int(body["v"]),
            chain=body.get("chain"),
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise NotAnEntry(f"not an audit entry: {exc}") from exc
    if entry.leaf() != leaf:
        raise NotAnEntry("the entry is not in canonical form")
    return entry


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _mapping(value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("expected an object")
    return value


def references(subject: str, detail: Mapping[str, Any]) -> list[str]:
    """The case references and notification ids an access touched, from its detail."""
    found = {subject} if subject.startswith("HW-") else set()
    for key in ("notification", "case", "case_reference"):
        if isinstance(detail.get(key), str):
            found.add(detail[key])
    for key in ("notifications", "cases", "case_references", "supersedes"):
        values = detail.get(key)
        if isinstance(values, list):
            found.update(v for v in values if isinstance(v, str))
    return sorted(found)
