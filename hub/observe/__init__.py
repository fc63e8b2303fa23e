"""Watching a running hub: structured logs (``logs``), the per-request log line, request id and
metrics (``requests``), Prometheus metrics (``metrics``), readiness (``ready``).

Application code logs through the standard ``logging`` module with plain ``extra`` fields (never
an identifier, a match key or a credential); ``logs.configure`` renders every record, the
hub's and its libraries', as JSON lines or console text through structlog.
"""
