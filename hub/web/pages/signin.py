"""Signing people in and out: OpenID Connect at their authority's issuer (hub/web/oidc.py)."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature

from hub import operator
from hub.api.deps import HubDep, NowDep, SessionDep
from hub.audit import AuditAction
from hub.errors import InvalidRequest
from hub.web.deps import AnyForm, WebDep, redirect, render, with_session
from hub.web.oidc import PendingSignIn, SignInFailed
from hub.web.session import (
    COOKIE,
    LOGIN_COOKIE,
    ROLES_OF_AUTHORITY,
    PersonRole,
    SignInRequired,
    new_person,
)

router = APIRouter(include_in_schema=False)
START_PAGE = {
    PersonRole.DUTY_WORKER: "/inbox",
    PersonRole.AUDITOR: "/audit",
    PersonRole.OPERATOR: "/operator",
}
NOTICES = {
    "expired": "Your session expired because it was not used for a while. Sign in again.",
    "signed-out": "You have signed out.",
}
Text = Annotated[str | None, Query(max_length=256)]


@router.get("/")
def home(request: Request, hub: HubDep, web: WebDep) -> Response:
    try:
        person = web.codec.load(request.cookies.get(COOKIE), hub.clock())
    except SignInRequired:
        return redirect("/sign-in", web, None)
    return redirect(START_PAGE[person.role], web, person)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, hub: HubDep, web: WebDep, notice: Text = None) -> Response:
    authorities = [a for a in operator.list_authorities(hub) if web.oidc.issuer_of(a.code)]
    return render(
        request,
        web,
        "sign_in.html",
        None,
        title="Sign in",
        authorities=authorities,
        notice=NOTICES.get(notice or ""),
    )


@router.get("/sign-in/start")
def start(
    request: Request, web: WebDep, authority: Text = None, login_hint: Text = None
) -> Response:
    """Send the person to their authority's issuer, keeping state, nonce and PKCE verifier."""
    if authority is None or web.oidc.issuer_of(authority) is None:
        raise InvalidRequest("choose an organisation whose sign-in is configured")
    url, pending = web.oidc.begin(authority, _callback(request), login_hint)
    response = redirect(url, web, None)
    response.set_cookie(
        LOGIN_COOKIE,
        str(web.codec.sign_ins.dumps(asdict(pending))),
        max_age=600,
        **web.codec.cookie_options(),
    )
    return response


@router.get("/sign-in/callback")
def callback(
    request: Request,
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    web: WebDep,
    code: Text = None,
    state: Text = None,
) -> Response:
    pending = _pending(request, web, state)
    if code is None:
        raise SignInFailed("the issuer sent no code")
    claims = web.oidc.finish(pending, code, _callback(request), now)
    authority = next(
        (a for a in operator.list_authorities(hub) if a.code == pending.authority), None
    )
    if authority is None or authority.revoked_at is not None:
        raise SignInFailed("the authority is not registered or is revoked")
    allowed = ROLES_OF_AUTHORITY.get(authority.role, frozenset())
    roles = [r for r in claims.get("roles", []) if r in {p.value for p in allowed}]
    if not roles:
        raise SignInFailed("the person holds no Homeward role for this authority")
    person = new_person(claims, authority.code, authority.role, PersonRole(roles[0]), now)
    hub.services.audit.append(
        db,
        now,
        actor=person.authority,
        action=AuditAction.WEB_SIGN_IN,
        detail={"person": person.subject, "role": person.role.value},
    )
    response = redirect(START_PAGE[person.role], web, person)
    response.delete_cookie(LOGIN_COOKIE, **web.codec.cookie_options())
    return response


@router.post("/sign-out")
def sign_out(hub: HubDep, db: SessionDep, now: NowDep, web: WebDep, person: AnyForm) -> Response:
    hub.services.audit.append(
        db,
        now,
        actor=person.authority,
        action=AuditAction.WEB_SIGN_OUT,
        detail={"person": person.subject},
    )
    response = with_session(redirect("/sign-in?notice=signed-out", web, None), web, None)
    response.delete_cookie(COOKIE, **web.codec.cookie_options())
    return response


def _callback(request: Request) -> str:
    return str(request.url_for("callback"))


def _pending(request: Request, web: WebDep, state: str | None) -> PendingSignIn:
    try:
        pending = PendingSignIn(**web.codec.sign_ins.loads(request.cookies.get(LOGIN_COOKIE, "")))
    except (BadSignature, TypeError) as exc:
        raise SignInFailed("no sign-in under way in this browser") from exc
    if state is None or state != pending.state:
        raise SignInFailed("the state does not match the sign-in under way")
    return pending
