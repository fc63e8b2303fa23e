"""Passphrases for protected key files: from ``HOMEWARD_KEY_PASSPHRASE``, or asked for on a
terminal. Never echoed, never logged."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from keys.files import is_protected, passphrase_from_env


def new_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase to protect a new key file with, when ``--protect`` asks for one."""
    if not getattr(args, "protect", False):
        return None
    found = passphrase_from_env()
    if found:
        return found
    first = getpass.getpass("passphrase for the new key file: ")
    if first != getpass.getpass("the same passphrase again: "):
        raise SystemExit("the passphrases differ; nothing was written")
    return first


def passphrase_for(path: Path) -> str | None:
    """The passphrase of a protected key file: the environment's, or asked for on a terminal
    (None: not protected, or no terminal, and the reader then says which variable to set)."""
    if not path.exists() or not is_protected(path) or passphrase_from_env():
        return None
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"passphrase for {path}: ")
