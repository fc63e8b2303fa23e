"""The options of `homeward hub serve` (uvicorn's, and the hub's logging)."""

from __future__ import annotations

import argparse
import os

from hub.observe.logs import LOG_FORMATS, LOG_LEVELS
from hub.settings import ENV_PREFIX


def add_serve_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default=None, help="default: HOMEWARD_HUB_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: HOMEWARD_HUB_PORT or 8700")
    serve.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes (use PostgreSQL for >1)"
    )
    serve.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips (behind a reverse proxy)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="comma-separated proxy addresses whose forwarded headers are trusted "
        "(default: 127.0.0.1)",
    )
    serve.add_argument(
        "--root-path", default="", help="the path prefix the proxy serves the hub under"
    )
    serve.add_argument(
        "--log-level", choices=LOG_LEVELS, help="default: HOMEWARD_HUB_LOG_LEVEL or info"
    )
    serve.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        help="json lines or console text (default: HOMEWARD_HUB_LOG_FORMAT or console)",
    )


def export_settings(args: argparse.Namespace) -> None:
    """Options that the worker processes read as settings, set in the environment they
    inherit."""
    for name in ("database_url", "key_file", "log_level", "log_format"):
        value = getattr(args, name, None)
        if value is not None:
            os.environ[f"{ENV_PREFIX}{name.upper()}"] = str(value)
