"""Which hub a `homeward hub ...` command works on: its database and key file."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hub.context import HubContext, build_context
from hub.settings import HubSettings


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", help="default: HOMEWARD_HUB_DATABASE_URL or SQLite")
    parser.add_argument("--key-file", type=Path, help="default: HOMEWARD_HUB_KEY_FILE")


def settings_from(args: argparse.Namespace) -> HubSettings:
    overrides = {
        k: v
        for k, v in (("database_url", args.database_url), ("key_file", args.key_file))
        if v is not None
    }
    return HubSettings(**overrides)


@contextmanager
def hub_context(args: argparse.Namespace) -> Iterator[HubContext]:
    """The hub the arguments name; its connections are closed however the command ends."""
    context = build_context(settings_from(args))
    try:
        yield context
    finally:
        context.engine.dispose()
