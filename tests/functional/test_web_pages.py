"""The web pages over HTTP (no browser), on SQLite and PostgreSQL: sign-in through the
development OpenID provider, what is refused and audited, headers, production refusals."""

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx2 as httpx
import pytest
from sqlmodel import Session

from homeward.web_demo import OPERATOR, WebStack, web_stack
from hub import audit, operator
from hub.errors import ConfigurationError
from hub.settings import HubSettings
from hub.web import install_web
from hub.web.dev_provider import DevPerson, DevProvider
from hub.web.session import SessionCodec
from keys import HubKeyring, SharedKeyring, new_secret
from tests.factories import CouncilSide, batch, person
from tests.functional.conftest import Clock, sign_policies

HOME, OTHER, AUDITOR = "E08000025", "E06000023", "E99999999"
PEOPLE = [
    DevPerson("dana", "Dana Duty", HOME, "duty_worker"),
    DevPerson("otto", "Otto Other", OTHER, "duty_worker"),
    DevPerson("alex", "Alex Auditor", AUDITOR, "auditor"),
    DevPerson("mallory", "Mallory", HOME, "operator"),  # a role Birmingham cannot grant
]


OPENED: list[httpx.Client] = []
CREDENTIALS: dict[str, str] = {}


@pytest.fixture
def stack(hub_settings: HubSettings, clock: Clock) -> Iterator[WebStack]:
    settings = hub_settings.model_copy(update={"web_cookie_secure": False})  # httpx over http
    with web_stack(settings, PEOPLE, clock=clock) as served:
        for code, role in ((HOME, "council"), (OTHER, "council"), (AUDITOR, "auditor")):
            CREDENTIALS[code] = operator.register_authority(
                served.app.state.hub, code=code, name=f"Authority {code}", contact="x", role=role
            )
        for code in (HOME, OTHER):
            sign_policies(served.app, code)  # a council that has not signed receives nothing
        yield served
        while OPENED:
            OPENED.pop().close()


def browser(stack: WebStack) -> httpx.Client:
    """A cookie-keeping client (closed when the test ends)."""
    client = httpx.Client(base_url=stack.hub_url, follow_redirects=True, timeout=30)
    OPENED.append(client)
    return client


def signed_in(stack: WebStack, subject: str) -> httpx.Client:
    client = browser(stack)
    answer = client.get(stack.sign_in_link(subject))
    assert answer.status_code == 200, answer.text
    return client


def actions(stack: WebStack) -> list[tuple[str, str]]:
    with Session(stack.app.state.hub.engine) as session:
        return [(e.action, e.actor) for e in audit.entries(session, limit=10_000)]


def test_sign_in_is_audited_and_every_page_view_too(stack: WebStack) -> None:
    client = signed_in(stack, "dana")
    assert client.get("/inbox").status_code == 200
    found = actions(stack)
    assert ("web.sign_in", HOME) in found
    assert found.count(("notifications.read", HOME)) == 2  # the landing inbox, then this one


def test_pages_carry_a_csp_without_inline_script_and_refuse_framing(stack: WebStack) -> None:
    answer = signed_in(stack, "dana").get("/inbox")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["cache-control"] == "no-store"
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.text) is None
    assert " style=" not in answer.text


def test_a_person_cannot_hold_a_role_their_authority_does_not_have(stack: WebStack) -> None:
    answer = browser(stack).get(stack.sign_in_link("mallory"))
    assert answer.status_code == 401
    assert ("refused.not_authenticated", "anonymous") in actions(stack)


def test_one_authoritys_issuer_cannot_sign_in_another_authoritys_person(
    stack: WebStack,
) -> None:
    """Otto's one-time hint sent to Birmingham's issuer: the provider asks who is signing in
    (Otto is not among Birmingham's people) and nobody is signed in."""
    hint = stack.provider.one_time_hint("otto")
    answer = browser(stack).get(f"/sign-in/start?authority={HOME}&login_hint={hint}")
    assert "Development sign-in for E08000025" in answer.text
    assert "Otto" not in answer.text


def test_a_callback_without_the_sign_in_under_way_is_refused(stack: WebStack) -> None:
    answer = browser(stack).get("/sign-in/callback?code=stolen&state=guessed")
    assert answer.status_code == 401
    assert "Sign in to continue" in answer.text or "Valid credentials" in answer.text


def test_pages_of_another_role_are_refused_and_audited(stack: WebStack) -> None:
    client = signed_in(stack, "dana")
    for path in ("/audit", "/audit/verification", "/operator", "/operator/policies"):
        assert client.get(path).status_code == 403
    assert actions(stack).count(("refused.forbidden", HOME)) == 4


def test_an_expired_session_goes_back_to_sign_in(stack: WebStack, clock: Clock) -> None:
    client = signed_in(stack, "dana")
    clock.now += timedelta(minutes=31)
    answer = client.get("/inbox")
    assert answer.url.path == "/sign-in"
    assert "Your session expired" in answer.text


def test_the_auditor_exports_csv_and_jsonl(stack: WebStack) -> None:
    signed_in(stack, "dana").get("/inbox")
    client = signed_in(stack, "alex")
    csv_answer = client.get("/audit/export.csv", params={"action": "notifications.read"})
    assert csv_answer.headers["content-type"].startswith("text/csv")
    header, *rows = csv_answer.text.splitlines()
    assert header == "index,at,actor,action,subject,refs,detail,leaf_hash"
    assert rows and all(",notifications.read," in row for row in rows)
    jsonl = client.get("/audit/export.jsonl", params={"authority": HOME}).text.splitlines()
    assert jsonl and all('"actor": "E08000025"' in line for line in jsonl)
    bad = client.get("/audit", params={"since": "25/11/2026"})
    assert bad.status_code == 422 and "use YYYY-MM-DD" in bad.text


def test_production_refuses_the_development_aids(hub_settings: HubSettings) -> None:
    production = hub_settings.model_copy(update={"production": True})
    with pytest.raises(ConfigurationError, match="refused in production"):
        DevProvider(production, PEOPLE, "http://127.0.0.1:1")
    with pytest.raises(ConfigurationError, match="WEB_SESSION_SECRET"):
        SessionCodec(production, HubKeyring({1: new_secret()}))
    secret = production.model_copy(
        update={"web_session_secret": "s" * 40, "web_issuers": {HOME: "http://127.0.0.1:1/x"}}
    )
    with pytest.raises(ConfigurationError, match="https"):
        install_web(None, type("Context", (), {"settings": secret})())  # type: ignore[arg-type]


def test_the_operator_authority_signs_in_as_operator(stack: WebStack) -> None:
    operator.register_authority(
        stack.app.state.hub, code=OPERATOR, name="Operator", contact="x", role="operator"
    )
    stack.provider.people["olu"] = DevPerson("olu", "Olu", OPERATOR, "operator")
    stack.app.state.web.oidc.issuers[OPERATOR] = stack.provider.issuer(OPERATOR)
    page = signed_in(stack, "olu").get("/operator/policies")
    assert "notify-responsible-authority, version" in page.text
    assert f"{HOME}: " in page.text  # who signed it


def test_a_duty_worker_records_the_return_interview_of_a_found_child(
    stack: WebStack, clock: Clock
) -> None:
    keyring = SharedKeyring.generate()
    home, other = CouncilSide(HOME, keyring), CouncilSide(OTHER, keyring)
    child = person()
    api = {"timeout": 30}
    answer = httpx.post(
        f"{stack.hub_url}/v1/records",
        json=batch(children=[home.child(child)]),
        headers={"Authorization": f"Bearer {CREDENTIALS[HOME]}", "Idempotency-Key": "k1"},
        **api,
    )
    assert answer.status_code == 200, answer.text
    found = other.event(
        person(
            **{k: getattr(child, k) for k in ("forename", "surname", "dob", "sex", "nhs_number")}
        ),
        at=clock.now - timedelta(hours=5),
        ended_at=clock.now - timedelta(hours=1),
    )
    answer = httpx.post(
        f"{stack.hub_url}/v1/events",
        json=found.model_dump(mode="json"),
        headers={"Authorization": f"Bearer {CREDENTIALS[OTHER]}"},
        **api,
    )
    assert answer.status_code == 200, answer.text
    client = signed_in(stack, "dana")
    page = client.get("/inbox").text
    case = re.findall(r"HW-[0-9A-F]{12}", page)[0]
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    form = {"csrf": csrf, "held_on": "2026-11-25", "held_at": "09:30"}
    assert client.post(f"/cases/{case}/interview", data=form).url.path == f"/cases/{case}"
    assert ("interview.record", HOME) in actions(stack)
    bad = client.post(f"/cases/{case}/interview", data={**form, "held_at": "25:99"})
    assert bad.status_code == 422 and "HH:MM" in bad.text
    elsewhere = client.post("/cases/HW-000000000000/interview", data=form)
    assert elsewhere.status_code == 404


def test_a_hub_the_issuer_does_not_recognise_signs_nobody_in(stack: WebStack) -> None:
    stack.app.state.web.oidc.secret = "not-the-registered-secret"
    answer = browser(stack).get(stack.sign_in_link("dana"))
    assert answer.status_code == 401
    assert ("web.sign_in", HOME) not in actions(stack)
