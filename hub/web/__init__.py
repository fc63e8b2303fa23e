"""Web pages for people: the duty inbox, the auditor console, the operator's pages, and /docs.

Server-rendered (FastAPI + Jinja2) with the GOV.UK Design System's built assets served by the
hub itself (static/, docs/web.md says which version); every page works without JavaScript. People
sign in with OpenID Connect at their authority's issuer (``oidc``); their session is a signed
cookie (``session``); page handlers (``pages/``) call the same services as the API and audit
every view. ``install_web`` adds all of it to the app.
"""

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from hub.context import HubContext
from hub.errors import ConfigurationError
from hub.web import errors
from hub.web.deps import TEMPLATES, WebState
from hub.web.headers import SecurityHeaders
from hub.web.oidc import OpenIdClient
from hub.web.pages import auditor, docs, inbox, operator_pages, signin
from hub.web.session import SessionCodec

STATIC = Path(__file__).parent / "static"


def install_web(app: FastAPI, context: HubContext) -> None:
    settings = context.settings
    insecure = [i for i in settings.web_issuers.values() if not i.startswith("https://")]
    if settings.production and insecure:
        raise ConfigurationError(f"web issuers must use https in production: {insecure}")
    app.state.web = WebState(
        codec=SessionCodec(settings, context.services.hub_keys),
        oidc=OpenIdClient(settings),
        templates=Jinja2Templates(directory=TEMPLATES),
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/assets", StaticFiles(directory=STATIC / "govuk" / "assets"), name="assets")
    for pages in (signin, inbox, auditor, operator_pages, docs):
        app.include_router(pages.router)
    errors.install(app, context)
    origins = sorted({_origin(i) for i in settings.web_issuers.values()})
    app.add_middleware(SecurityHeaders, form_targets=origins)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
