"""The export file and cosignatures, pure: an export round-trips and its hashes answer proofs
that verify; any text is read or refused with its line, never a crash; a cosignature verifies
for exactly the body and key it was made for."""

import base64
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.audit import auditor, merkle
from hub.audit.checkpoints import Checkpoint
from hub.audit.cosignature import Witness, WitnessKey, cosignatures, message
from hub.audit.entry import Entry
from hub.audit.export import ExportError, ExportSource, export_lines, read_export
from keys.notes import NoteSigner, NoteVerifier

LEAVES = [f'{{"n":{i}}}'.encode() for i in range(13)]
BODY = "homeward.example/audit\n13\n" + "A" * 43 + "=\n"


def test_an_export_round_trips_and_its_hashes_prove_consistency() -> None:
    export = read_export("x.jsonl", export_lines("note", LEAVES))
    assert (export.checkpoint, export.leaves, export.misplaced) == ("note", LEAVES, None)
    root = merkle.root_of([merkle.leaf_hash(leaf) for leaf in LEAVES])
    source = ExportSource(export)
    for first in range(1, 14):
        prefix = merkle.root_of([merkle.leaf_hash(leaf) for leaf in LEAVES[:first]])
        proof = source.consistency(first, 13)
        assert merkle.verify_consistency(first, 13, prefix, root, proof)


@given(st.lists(st.text(max_size=40), max_size=6))
def test_any_text_is_read_or_refused_with_its_line(lines: list[str]) -> None:
    text = ['{"homeward_audit_export": 1, "checkpoint": "c"}\n', *(f"{x}\n" for x in lines)]
    try:
        read_export("f.jsonl", text)
    except ExportError as exc:
        assert str(exc).startswith("f.jsonl:")


def test_a_cosignature_verifies_for_its_body_and_key_only() -> None:
    witness = Witness("audit.example.org/w1", b"\x05" * 32)
    line = witness.cosign(BODY, 1_700_000_000)
    note = BODY + "\n" + line
    key = WitnessKey.parse(witness.key.vkey)
    assert [c.timestamp for c in cosignatures(note, [key])] == [1_700_000_000]
    assert cosignatures(note.replace("\n13\n", "\n14\n"), [key]) == []
    other = Witness("audit.example.org/w1", b"\x06" * 32).key
    assert cosignatures(note, [other]) == []
    assert message(BODY, 7).startswith("cosignature/v1\ntime 7\nhomeward.example/audit\n")


def test_a_witness_key_is_refused_when_its_id_or_type_is_wrong() -> None:
    vkey = Witness("w", b"\x05" * 32).key.vkey
    name, key_id, encoded = vkey.split("+", 2)
    with pytest.raises(ValueError, match="key id"):
        WitnessKey.parse(f"{name}+00000000+{encoded}")
    with pytest.raises(ValueError, match="0x04"):
        WitnessKey.parse(f"{name}+{key_id}+A" + encoded[1:])


def _signed_export(count: int) -> tuple[list[str], NoteVerifier]:
    hub = NoteSigner("homeward.example/audit", b"\x01" * 32)
    leaves = [
        Entry(at=datetime(2026, 11, 25, tzinfo=UTC), actor="E08000025", action="audit.read",
              detail={"n": n}).leaf()
        for n in range(count)
    ]  # fmt: skip
    root = merkle.root_of([merkle.leaf_hash(leaf) for leaf in leaves])
    note = hub.sign(Checkpoint("homeward.example/audit", count, root).body())
    return list(export_lines(note, leaves)), hub.verifier


def _renumbered(lines: list[str]) -> list[str]:
    out, position = [], 0
    for line in lines:
        document = json.loads(line)
        if "entry" in document:
            document["index"], position = position, position + 1
        out.append(json.dumps(document) + "\n")
    return out


def _edit(line: str) -> str:
    document = json.loads(line)
    leaf = base64.b64decode(document["entry"]).replace(b'"actor":"E', b'"actor":"W')
    return json.dumps({**document, "entry": base64.b64encode(leaf).decode()}) + "\n"


@given(st.data())
def test_every_tamper_of_an_export_is_named_by_its_first_bad_index(data: st.DataObject) -> None:
    count = data.draw(st.integers(2, 40), label="entries")
    at = data.draw(st.integers(0, count - 2), label="index")
    how = data.draw(st.sampled_from(["edit", "delete", "insert", "swap"]), label="tamper")
    lines, verifier = _signed_export(count)
    header, entries, hashes = lines[0], lines[1 : count + 1], lines[count + 1 :]
    if how == "edit":
        entries[at] = _edit(entries[at])
    elif how == "delete":
        del entries[at]
    elif how == "insert":
        entries.insert(at, entries[data.draw(st.integers(at + 1, count - 1), label="copy of")])
    else:
        entries[at], entries[at + 1] = entries[at + 1], entries[at]
    export = read_export("x", _renumbered([header, *entries, *hashes]))
    result = auditor.audit(ExportSource(export), [verifier]).verification
    assert (result.ok, result.at_index) == (False, at)
