"""The auditor's verification page names the witnesses whose cosignatures the hub serves."""

import base64

from hub.web.audit_data import cosigners

DASH = "\u2014"


def line(name: str, fill: bytes) -> str:
    return f"{DASH} {name} {base64.b64encode(fill * 12).decode()}\n"


NOTE_TEXT = "homeward.example/audit\n42\nq2Jvb3Q=\n\n"


def test_the_witnesses_are_the_signers_other_than_the_hub() -> None:
    note = NOTE_TEXT + line("homeward.example/audit", b"h") + line("dpo.council.example", b"w")
    assert cosigners(note, "homeward.example/audit") == ["dpo.council.example"]
    assert (
        cosigners(NOTE_TEXT + line("homeward.example/audit", b"h"), "homeward.example/audit") == []
    )


def test_a_malformed_note_names_no_witness() -> None:
    assert cosigners("not a note", "homeward.example/audit") == []
