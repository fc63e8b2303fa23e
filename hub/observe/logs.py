"""Log rendering: JSON lines (production) or console text, through structlog.

Every record carries a UTC timestamp, its level and logger, the request's context (request id,
authority, bound by ``hub.observe.requests``) and the ``extra`` fields it was logged with.
Callers log counts, codes and route templates; never a child's identifier, a match key, a
query string or a credential (``tests/functional/test_observability.py`` checks a whole flow).
"""

import logging
import sys
from typing import IO, Literal

import structlog
from structlog.typing import EventDict, Processor

LogFormat = Literal["json", "console"]
LogLevel = Literal["debug", "info", "warning", "error"]
LOG_FORMATS: tuple[LogFormat, ...] = ("json", "console")
LOG_LEVELS: tuple[LogLevel, ...] = ("debug", "info", "warning", "error")
# Libraries whose debug records carry credentials: Authlib logs every token it issues.
NEVER_DEBUG = ("authlib",)


def drop_color_message(_logger: object, _name: str, event: EventDict) -> EventDict:
    event.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
    return event


def processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        drop_color_message,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]


def configure(
    level: LogLevel = "info", fmt: LogFormat = "console", stream: IO[str] | None = None
) -> logging.Handler:
    """Render the root logger's records (the hub's, uvicorn's, SQLAlchemy's) as ``fmt``;
    returns the handler, which replaces any the root logger had."""
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in NEVER_DEBUG:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers, logging.getLogger(name).propagate = [], True
    return handler
