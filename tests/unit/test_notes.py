"""C2SP signed notes and checkpoints: the spec's own example, signing, and refusals."""

import base64

import pytest

from hub.audit.checkpoints import Checkpoint, parse_checkpoint, verify_checkpoint
from keys.notes import NoteError, NoteSigner, NoteVerifier, add_signature, open_note

# c2sp.org/signed-note: the example verifier key and note.
VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_the_specs_example_verifies() -> None:
    verifier = NoteVerifier.parse(VKEY)
    assert verifier.vkey == VKEY
    text, signed = open_note(NOTE, [verifier])
    assert text == "This is an example message.\n" and signed == [verifier]


def test_a_changed_text_or_unknown_key_is_refused() -> None:
    verifier = NoteVerifier.parse(VKEY)
    with pytest.raises(NoteError):
        open_note(NOTE.replace("example message", "exemplary message"), [verifier])
    other = NoteSigner("example.com/foo", b"\x07" * 32).verifier
    with pytest.raises(NoteError):
        open_note(NOTE, [other])  # same name, other key id: unknown, so no known signature


def test_a_bad_verifier_key_is_refused() -> None:
    with pytest.raises(ValueError, match="key id"):
        NoteVerifier.parse(VKEY.replace("+530d903a+", "+530d903b+"))


def test_a_checkpoint_round_trips_and_takes_a_witness_signature() -> None:
    hub = NoteSigner("homeward.example/audit", b"\x01" * 32)
    witness = NoteSigner("auditor.example", b"\x02" * 32)
    body = Checkpoint("homeward.example/audit", 7, b"\xab" * 32).body()
    note = hub.sign(body)
    assert note.startswith("homeward.example/audit\n7\n" + base64.b64encode(b"\xab" * 32).decode())
    cosigned = add_signature(note, witness)
    assert verify_checkpoint(cosigned, [witness.verifier]).size == 7
    assert verify_checkpoint(cosigned, [hub.verifier]).root == b"\xab" * 32
    with pytest.raises(ValueError, match="not 'other'"):
        verify_checkpoint(note, [hub.verifier], origin="other")


@pytest.mark.parametrize(
    "text", ["o\n-1\nAA==\n", "o\n01\n" + "A" * 44 + "\n", "o\n1\nAAAA\n", "o\n1\n"]
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_checkpoint(text)
