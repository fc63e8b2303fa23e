"""The connector's own files on disk (state, outbox): written whole or not at all, readable by
the owner only, and changed by one process at a time.

They are written as key files are (keys/files.py ``write_private_text`` with ``replace``): a
temporary file (0600) flushed to the disk, renamed over the old one and the folder synced, so a
crash or SIGKILL leaves either the old file or the new one, never half of one. ``locked`` holds an
exclusive ``flock`` on a lock file beside the data for one short read-modify-write, so a report
made during a long sync is merged, not overwritten.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from keys.files import KEY_FILE_MODE as PRIVATE_MODE


def lock_file(path: Path) -> Path:
    """The lock file that guards ``path``."""
    return path.with_name(path.name + ".lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock that guards ``path`` (waits for another holder to finish)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file(path), os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
    os.fchmod(fd, PRIVATE_MODE)  # an existing file keeps its mode on open: tighten it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
