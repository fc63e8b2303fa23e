"""The connector's own files on disk (state, outbox): written whole or not at all, readable by
the owner only, and changed by one process at a time.

``write_private`` writes a temporary file (0600), flushes it to the disk, renames it over the
old one and syncs the folder, so a crash or SIGKILL leaves either the old file or the new one,
never half of one. ``locked`` holds an exclusive ``flock`` on a lock file beside the data for
one short read-modify-write, so a report made during a long sync is merged, not overwritten.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE_MODE = 0o600  # owner read/write only


def _open_private(path: Path, flags: int) -> int:
    fd = os.open(path, flags | os.O_CREAT, PRIVATE_MODE)
    os.fchmod(fd, PRIVATE_MODE)  # an existing file keeps its mode on open: tighten it
    return fd


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically and durably, mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = _open_private(tmp, os.O_WRONLY | os.O_TRUNC)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def lock_file(path: Path) -> Path:
    """The lock file that guards ``path``."""
    return path.with_name(path.name + ".lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock that guards ``path`` (waits for another holder to finish)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_private(lock_file(path), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
