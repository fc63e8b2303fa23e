"""What a page handler may ask for: the web state, the signed-in person (by role), rendering
that refreshes the session cookie, and the CSRF check of every form."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from hub.api.deps import HubDep
from hub.errors import Forbidden
from hub.web.oidc import OpenIdClient
from hub.web.session import COOKIE, Person, PersonRole, SessionCodec, check_csrf

R = TypeVar("R", bound=Response)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class WebState:
    codec: SessionCodec
    oidc: OpenIdClient
    templates: Jinja2Templates


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


WebDep = Annotated[WebState, Depends(web_state)]


def signed_in(request: Request, hub: HubDep, web: WebDep) -> Person:
    person = web.codec.load(request.cookies.get(COOKIE), hub.clock())
    request.state.person = person  # names the actor of an audited refusal
    return person


PersonDep = Annotated[Person, Depends(signed_in)]


def role(*allowed: PersonRole) -> Callable[[Person], Person]:
    def check(person: PersonDep) -> Person:
        if person.role not in allowed:
            raise Forbidden(f"this page is for the {', '.join(a.value for a in allowed)} role")
        return person

    return check


DutyWorker = Annotated[Person, Depends(role(PersonRole.DUTY_WORKER))]
Auditor = Annotated[Person, Depends(role(PersonRole.AUDITOR))]
Operator = Annotated[Person, Depends(role(PersonRole.OPERATOR))]


def form_of(*allowed: PersonRole) -> Callable[..., Person]:
    """A form's sender: signed in with one of these roles, and the form carries their CSRF
    token."""
    signed_in_as = role(*allowed)

    def check(
        person: Annotated[Person, Depends(signed_in_as)],
        csrf: Annotated[str | None, Form(max_length=128)] = None,
    ) -> Person:
        check_csrf(person, csrf)
        return person

    return check


AnyForm = Annotated[Person, Depends(form_of(*PersonRole))]
DutyForm = Annotated[Person, Depends(form_of(PersonRole.DUTY_WORKER))]
AuditorForm = Annotated[Person, Depends(form_of(PersonRole.AUDITOR))]


def render(
    request: Request, web: WebState, template: str, person: Person | None, **context: Any
) -> HTMLResponse:
    status = context.pop("status", 200)
    response = web.templates.TemplateResponse(
        request, template, {"person": person, **context}, status_code=status
    )
    return with_session(response, web, person)


def redirect(url: str, web: WebState, person: Person | None) -> RedirectResponse:
    return with_session(RedirectResponse(url, status_code=303), web, person)


def with_session(response: R, web: WebState, person: Person | None) -> R:
    if person is not None:
        response.set_cookie(COOKIE, web.codec.dump(person), **web.codec.cookie_options())
    response.headers["Cache-Control"] = "no-store"
    return response
