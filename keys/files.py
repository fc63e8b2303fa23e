"""How every key file is written and read: JSON, owner-only (0600), atomic, optionally
protected by a passphrase.

Writing: the document goes to a temporary file created 0600 with ``O_EXCL`` in the same folder,
is flushed and fsync-ed, then linked into place (a new key: ``os.link`` refuses an existing
name, so a key is never overwritten) or renamed over the old file (``replace``: a rotation of
the same keyring, or ``--force``). The name appears complete or not at all, and a key file is
never created first and chmod-ed later.

Reading: a key file that its group or others may read or write is refused, with the remedy
(``chmod 600``); so is a symlink to one. A file protected by a passphrase (scrypt -> AES-256-GCM,
the key file's ``kind`` bound as associated data) needs the passphrase: given by the caller, or
``HOMEWARD_KEY_PASSPHRASE``. Errors name the file and the problem, never key material.
"""

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from keys import _primitives

KEY_FILE_MODE = 0o600  # owner read/write only
PASSPHRASE_ENV = "HOMEWARD_KEY_PASSPHRASE"  # noqa: S105 - the name of a variable
Document = dict[str, Any]
T = TypeVar("T")


class KeyFileError(ValueError):
    """A key file is missing, unreadable, too open, of the wrong kind, or would be overwritten."""


def passphrase_from_env() -> str | None:
    return os.environ.get(PASSPHRASE_ENV) or None


def write_document(
    path: Path,
    document: Document,
    *,
    replace: bool = False,
    passphrase: str | None = None,
    mode: int = KEY_FILE_MODE,
) -> None:
    """Write ``document`` atomically; refuse an existing ``path`` unless ``replace``."""
    if not replace and path.exists():
        raise KeyFileError(f"{path}: already exists; refusing to overwrite a key")
    if passphrase is not None:
        document = protect(document, passphrase)
    write_private_text(path, json.dumps(document, indent=2) + "\n", replace=replace, mode=mode)


def write_private_text(
    path: Path, text: str, *, replace: bool = False, mode: int = KEY_FILE_MODE
) -> None:
    """``text`` at ``path``, atomically and created with ``mode`` (see the module docstring).
    Key files and the connector's state and outbox (connectors/durable.py) are all written here.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # Unique per call: a copy left by a killed process (whose id a later one may reuse) is
    # never in the way.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
        _sync_folder(path.parent)
    except FileExistsError as exc:
        raise KeyFileError(f"{path}: already exists; refusing to overwrite a key") from exc
    finally:
        temporary.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_private(path: Path) -> None:
    """Refuse a key file others may read or write (or a symlink: its target could be anyone's)."""
    try:
        info = path.lstat()
    except FileNotFoundError as exc:
        raise KeyFileError(f"{path}: key file not found") from exc
    if stat.S_ISLNK(info.st_mode):
        raise KeyFileError(f"{path}: is a symbolic link; give the key file itself")
    loose = stat.S_IMODE(info.st_mode) & 0o077
    if loose:
        raise KeyFileError(
            f"{path}: permissions {stat.S_IMODE(info.st_mode):04o} let others read or change "
            f"this key; make it owner-only (chmod 600 {path}) and consider it exposed"
        )


def read_document(path: Path, kind: str, passphrase: str | None = None) -> Document:
    """The (unprotected) document of a private key file of ``kind``."""
    check_private(path)
    document = read_json(path, kind)
    if "protected" in document:
        return unprotect(path, document, passphrase or passphrase_from_env())
    return document


def read_json(path: Path, kind: str) -> Document:
    """The JSON document of ``kind`` at ``path`` (public files: no permission check)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KeyFileError(f"{path}: key file not found") from exc
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"{path}: not a readable key file ({type(exc).__name__})") from exc
    if not isinstance(document, dict) or document.get("kind") != kind:
        raise KeyFileError(f"{path}: expected a {kind} file")
    return document


def parse_document(path: Path, document: Document, what: str, build: Callable[[Document], T]) -> T:
    """``build(document)``: a field missing or malformed is a damaged ``what``, named with the file
    and the kind of fault, never with what the field held."""
    try:
        return build(document)
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyFileError(f"{path}: damaged {what} ({type(exc).__name__})") from exc


def decode_exact(value: object, size: int) -> bytes:
    """The ``size`` bytes that base64 ``value`` holds (ValueError when it holds any other)."""
    raw = _primitives.b64decode(str(value))
    if len(raw) != size:
        raise ValueError(f"expected {size} bytes")
    return raw


def is_protected(path: Path) -> bool:
    try:
        return "protected" in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def protect(document: Document, passphrase: str) -> Document:
    if not passphrase:
        raise KeyFileError("an empty passphrase protects nothing")
    salt = _primitives.random_bytes(16)
    key = _primitives.scrypt_key(passphrase, salt)
    kind = str(document["kind"])
    box = _primitives.aead_seal(key, json.dumps(document).encode("utf-8"), kind.encode())
    params = {"n": _primitives.SCRYPT_N, "r": _primitives.SCRYPT_R, "p": _primitives.SCRYPT_P}
    return {
        "kind": kind,
        "protected": {
            "kdf": "scrypt",
            **params,
            "salt": _primitives.b64encode(salt),
            "aead": "A256GCM",
            "box": _primitives.b64encode(box),
        },
    }


def unprotect(path: Path, document: Document, passphrase: str | None) -> Document:
    if passphrase is None:
        raise KeyFileError(
            f"{path}: protected by a passphrase; set {PASSPHRASE_ENV} (or enter it when asked)"
        )
    envelope = document["protected"]
    try:
        key = _primitives.scrypt_key(
            passphrase,
            _primitives.b64decode(envelope["salt"]),
            int(envelope["n"]),
            int(envelope["r"]),
            int(envelope["p"]),
        )
        box = _primitives.b64decode(envelope["box"])
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyFileError(f"{path}: damaged passphrase envelope") from exc
    plaintext = _primitives.aead_open(key, box, str(document["kind"]).encode())
    if plaintext is None:
        raise KeyFileError(f"{path}: wrong passphrase, or the file was altered")
    inner = json.loads(plaintext)
    if not isinstance(inner, dict) or inner.get("kind") != document["kind"]:
        raise KeyFileError(f"{path}: damaged protected key file")
    return inner
