"""Hub errors, each with a stable ``code`` and HTTP status; one handler maps them to RFC 9457
problem responses.

    HubError
    ├── NotAuthenticated   401  one opaque message whatever went wrong
    ├── Forbidden          403
    ├── NotFound           404  also used for "exists but is not yours"
    ├── IdempotencyConflict 409
    ├── QuotaExceeded      429  an authority sent more keyed reports than its daily quota
    ├── TooLarge           413  a request body over the limit, however it was sent
    ├── InvalidRequest     422
    ├── InternalError      500  anything unexpected: one generic answer, details in the log
    └── ConfigurationError      operator-facing, never reaches a client
"""


class HubError(Exception):
    code = "hub_error"
    status = 500
    title = "Hub error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotAuthenticated(HubError):
    """``reason`` is for the audit log only: the caller always reads the same title."""

    code, status, title = "not_authenticated", 401, "Valid credentials are required"

    def __init__(self, reason: str = "") -> None:
        super().__init__(self.title)
        self.reason = reason


class Forbidden(HubError):
    code, status, title = "forbidden", 403, "This credential may not do that"


class NotFound(HubError):
    code, status, title = "not_found", 404, "No such resource"


class IdempotencyConflict(HubError):
    code, status, title = "idempotency_conflict", 409, "Idempotency key reused for another request"


class QuotaExceeded(HubError):
    code, status, title = "quota_exceeded", 429, "Daily quota of reports exceeded"


class TooLarge(HubError):
    code, status, title = "too_large", 413, "Request body too large"


class InvalidRequest(HubError):
    code, status, title = "invalid_request", 422, "The request is not valid"


class ConfigurationError(HubError):
    code, title = "configuration", "The hub is not configured"


class InternalError(HubError):
    code, status, title = "internal_error", 500, "The hub could not answer this request"

    def __init__(self) -> None:
        super().__init__("the error is logged at the hub; try again later")
