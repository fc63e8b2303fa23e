"""Every key file read through keys/files.py ``parse_document``: a field missing, of the wrong
length or not base64 is a damaged file, named with the file and the kind of fault and never with
what the field held; a whole file reads back as the key it was."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from keys.announcements import read_operator_key, write_operator_key
from keys.epochs import (
    new_kem_key,
    read_kem_key,
    read_kem_public,
    read_sealed_epoch,
    seal_epoch,
    write_kem_key,
    write_sealed_epoch,
)
from keys.files import KeyFileError, write_document

Reader = Callable[[Path], Any]


def operator_files(folder: Path) -> tuple[Path, Reader]:
    return write_operator_key(folder)[0], read_operator_key


def kem_files(folder: Path) -> tuple[Path, Reader]:
    return write_kem_key(folder, new_kem_key("E08000025"))[0], read_kem_key


def kem_public_files(folder: Path) -> tuple[Path, Reader]:
    return write_kem_key(folder, new_kem_key("E08000025"))[1], read_kem_public


def sealed_files(folder: Path) -> tuple[Path, Reader]:
    path = folder / "epoch-2.json"
    write_sealed_epoch(path, seal_epoch(2, bytes(32), new_kem_key("E08000025").public))
    return path, read_sealed_epoch


# (files, field, what the file is called when damaged)
CASES = [
    (operator_files, "seed", "operator key"),
    (operator_files, "name", "operator key"),
    (kem_files, "private", "council KEM key"),
    (kem_files, "authority", "council KEM key"),
    (kem_public_files, "public", "public key"),
    (sealed_files, "sealed", "sealed epoch"),
    (sealed_files, "epoch", "sealed epoch"),
]


def rewrite(path: Path, field: str, value: object | None) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    if value is None:
        del document[field]
    else:
        document[field] = value
    mode = path.stat().st_mode & 0o777
    path.unlink()
    write_document(path, document, mode=mode)


@pytest.mark.parametrize(("files", "field", "what"), CASES)
def test_a_missing_field_is_a_damaged_file(
    tmp_path: Path, files: Callable[[Path], tuple[Path, Reader]], field: str, what: str
) -> None:
    path, read = files(tmp_path)
    read(path)  # whole, it reads
    rewrite(path, field, None)
    with pytest.raises(
        KeyFileError, match=rf"^{re.escape(str(path))}: damaged {what} \(KeyError\)$"
    ):
        read(path)


@pytest.mark.parametrize(
    ("files", "field"),
    [(operator_files, "seed"), (kem_files, "private"), (kem_public_files, "public")],
)
def test_a_key_of_the_wrong_length_is_a_damaged_file_and_is_not_echoed(
    tmp_path: Path, files: Callable[[Path], tuple[Path, Reader]], field: str
) -> None:
    path, read = files(tmp_path)
    short = "c2VjcmV0LWtleS1tYXRlcmlhbA"  # 19 bytes
    rewrite(path, field, short)
    with pytest.raises(KeyFileError, match=r"damaged .* \(ValueError\)$") as refused:
        read(path)
    assert short not in str(refused.value)
