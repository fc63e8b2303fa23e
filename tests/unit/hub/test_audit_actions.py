"""Every refusal a client can receive is recorded under its own audit action."""

import pytest

from hub import errors
from hub.audit import AuditAction


def subclasses(cls: type[errors.HubError]) -> list[type[errors.HubError]]:
    return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]


CLIENT_ERRORS = sorted({c.code for c in subclasses(errors.HubError) if 400 <= c.status < 500})


def test_the_client_errors_are_all_found() -> None:
    assert len(CLIENT_ERRORS) >= 5 and "quota_exceeded" in CLIENT_ERRORS


@pytest.mark.parametrize("code", [*CLIENT_ERRORS, "invalid_request"])
def test_every_client_error_has_a_refusal_action(code: str) -> None:
    """``invalid_request`` is also what a body that fails validation is refused with."""
    assert AuditAction.refused(code) == f"refused.{code}"


def test_an_unknown_problem_code_has_no_action() -> None:
    with pytest.raises(ValueError):
        AuditAction.refused("teapot")
