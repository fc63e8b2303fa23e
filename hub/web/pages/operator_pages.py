"""The scheme operator's pages: authorities and their clients, webhook endpoints and dead
letters, the policies in force. Nothing about children: no case, notification or payload."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from hub import operator
from hub.api.deps import HubDep, NowDep, SessionDep
from hub.audit import AuditAction
from hub.delivery import webhooks
from hub.web.deps import Operator, WebDep, render
from hub.web.session import Person
from hub.web.views import uk_time

router = APIRouter(include_in_schema=False)


def _view(hub: HubDep, db: SessionDep, now: NowDep, person: Person, page: str) -> None:
    hub.services.audit.append(
        db,
        now,
        actor=person.authority,
        action=AuditAction.WEB_VIEW,
        detail={"person": person.subject, "page": page},
    )


@router.get("/operator", response_class=HTMLResponse)
def authorities(
    request: Request, hub: HubDep, db: SessionDep, now: NowDep, web: WebDep, person: Operator
) -> Response:
    # Read before the view is audited: these open their own transactions, and the audit
    # append holds the log's head until this request commits.
    authorities, clients = operator.list_authorities(hub), operator.list_clients(hub)
    _view(hub, db, now, person, "/operator")
    return render(
        request,
        web,
        "operator_authorities.html",
        person,
        title="Authorities and clients",
        authorities=authorities,
        clients=clients,
        when=uk_time,
    )


@router.get("/operator/webhooks", response_class=HTMLResponse)
def webhook_pages(
    request: Request, hub: HubDep, db: SessionDep, now: NowDep, web: WebDep, person: Operator
) -> Response:
    _view(hub, db, now, person, "/operator/webhooks")
    dead = [
        {
            "id": d.message_id,
            "authority": d.recipient,
            "endpoint": d.endpoint_id,
            "attempts": d.attempts,
            "status": d.last_status,
            "error": d.last_error,
            "since": uk_time(d.created_at),
        }
        for d in webhooks.dead_letters(db)
    ]
    return render(
        request,
        web,
        "operator_webhooks.html",
        person,
        title="Webhooks",
        endpoints=webhooks.list_endpoints(db),
        dead=dead,
    )


@router.get("/operator/policies", response_class=HTMLResponse)
def policies(
    request: Request, hub: HubDep, db: SessionDep, now: NowDep, web: WebDep, person: Operator
) -> Response:
    signed = operator.policy_signatures(hub)  # its own transaction: before the audited view
    _view(hub, db, now, person, "/operator/policies")
    return render(
        request,
        web,
        "operator_policies.html",
        person,
        title="Policies",
        policies=hub.services.policies.policies,
        signatures={
            p.id: [s for s in signed if s.policy_id == p.id] for p in hub.services.policies.policies
        },
        when=uk_time,
    )
