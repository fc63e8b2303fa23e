"""Readiness: can this process serve requests now? (Liveness is ``/healthz``: it never
touches the database, so a database outage does not get healthy processes restarted.)"""

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from hub.db.migrate import require_current
from hub.errors import ConfigurationError

log = logging.getLogger("hub.ready")


def not_ready(engine: Engine) -> str | None:
    """Why the hub cannot serve (the database is unreachable or its schema is not this
    release's), or None when it can."""
    try:
        require_current(engine)
    except ConfigurationError as behind:
        return behind.detail
    except SQLAlchemyError as exc:
        log.warning(
            "readiness: the database cannot be reached", extra={"error": type(exc).__name__}
        )
        return "the database cannot be reached"
    return None
