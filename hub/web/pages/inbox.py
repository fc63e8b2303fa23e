"""The duty inbox: urgent first, unread marked; a notification in plain English; acknowledge;
a verdict (which resolves a possible match); the case; new notifications without reloading."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from hub import pipeline
from hub.api.deps import HubDep, NowDep, SessionDep
from hub.delivery import inbox, interviews
from hub.errors import InvalidRequest, NotFound
from hub.web import inbox_data, views
from hub.web.deps import DutyForm, DutyWorker, WebDep, redirect, render
from hub.web.views import NotificationView

router = APIRouter(include_in_schema=False)
NotificationId = Annotated[str, Path(max_length=40)]
CaseRef = Annotated[str, Path(max_length=64)]
VERDICTS = {"confirmed", "false_match", "duplicate"}
DONE = {
    "acknowledged": "Notification acknowledged",
    "verdict": "Verdict saved",
    "interview": "Return interview recorded: the reminder stops",
}


def _views(db: SessionDep, authority: str, case: str | None = None) -> list[NotificationView]:
    rows = inbox_data.notifications(db, authority, case_reference=case)
    return [views.view(seq, n) for seq, n in rows]


def _audited(hub: HubDep, db: SessionDep, person: DutyWorker, page: str, shown: list[str]) -> None:
    inbox_data.audit_read(
        db,
        hub.services.audit,
        hub.clock(),
        recipient=person.authority,
        person=person.subject,
        page=page,
        shown=shown,
    )


def _inbox_context(hub: HubDep, db: SessionDep, person: DutyWorker, page: str) -> dict[str, object]:
    shown = views.inbox_order(_views(db, person.authority))
    _audited(hub, db, person, page, [n.id for n in shown])
    return {
        "notifications": shown,
        "latest": max((n.seq for n in shown), default=0),
        "unread": sum(n.unread for n in shown),
        "urgent": sum(n.urgent for n in shown),
    }


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request, hub: HubDep, db: SessionDep, web: WebDep, person: DutyWorker
) -> Response:
    context = _inbox_context(hub, db, person, "/inbox")
    return render(request, web, "inbox.html", person, title="Inbox", **context)


@router.get("/inbox/news")
def inbox_news(
    request: Request,
    hub: HubDep,
    db: SessionDep,
    web: WebDep,
    person: DutyWorker,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    """Polled by the inbox page: 204 when nothing arrived after ``after``; else the inbox table
    (an audited read) with how many new urgent notifications it holds."""
    if inbox_data.latest(db, person.authority) <= after:
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    context = _inbox_context(hub, db, person, "/inbox/news")
    fresh = [n for n in context["notifications"] if n.seq > after]  # type: ignore[attr-defined]
    response = render(request, web, "_inbox_table.html", person, **context)
    response.headers["X-Inbox-New"] = str(len(fresh))
    response.headers["X-Inbox-New-Urgent"] = str(sum(n.urgent for n in fresh))
    return response


@router.get("/notifications/{notification_id}", response_class=HTMLResponse)
def notification_page(
    request: Request,
    hub: HubDep,
    db: SessionDep,
    web: WebDep,
    person: DutyWorker,
    notification_id: NotificationId,
    done: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    shown = inbox_data.one(db, person.authority, notification_id)
    _audited(hub, db, person, f"/notifications/{notification_id}", [shown.id])
    n = views.view(0, shown)
    message = DONE.get(done or "")
    return render(request, web, "notification.html", person, title=n.headline, n=n, message=message)


@router.post("/notifications/{notification_id}/acknowledge")
def acknowledge(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    web: WebDep,
    person: DutyForm,
    notification_id: NotificationId,
) -> Response:
    inbox.acknowledge(db, hub.services.audit, person.authority, [notification_id], now)
    return redirect(f"/notifications/{notification_id}?done=acknowledged", web, person)


@router.post("/notifications/{notification_id}/disposition")
def dispose(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    web: WebDep,
    person: DutyForm,
    notification_id: NotificationId,
    disposition: Annotated[str | None, Form(max_length=16)] = None,
) -> Response:
    if disposition not in VERDICTS:
        raise InvalidRequest("choose confirmed, false match or duplicate")
    pipeline.dispose(db, hub.services, person.authority, notification_id, disposition, now)  # type: ignore[arg-type]
    return redirect(f"/notifications/{notification_id}?done=verdict", web, person)


@router.get("/cases/{case_reference}", response_class=HTMLResponse)
def case_page(
    request: Request,
    hub: HubDep,
    db: SessionDep,
    web: WebDep,
    person: DutyWorker,
    case_reference: CaseRef,
) -> Response:
    shown = _views(db, person.authority, case_reference)
    if not shown:
        raise NotFound("no case of that reference in your notifications")
    _audited(hub, db, person, f"/cases/{case_reference}", [n.id for n in shown])
    return render(
        request,
        web,
        "case.html",
        person,
        title=f"Case {case_reference}",
        case_reference=case_reference,
        notifications=shown,
    )


@router.post("/cases/{case_reference}/interview")
def record_interview(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    web: WebDep,
    person: DutyForm,
    case_reference: CaseRef,
    held_on: Annotated[str | None, Form(max_length=10)] = None,
    held_at: Annotated[str | None, Form(max_length=5)] = None,
    back: Annotated[str, Form(max_length=40, pattern="^[0-9a-f-]*$")] = "",
) -> Response:
    """The return interview was held (UK date and time): stops the 72-hour reminder, as
    ``POST /v1/events/{reference}/interview`` does."""
    at = views.uk_moment(held_on, held_at)
    interviews.record_interview(db, hub.services.audit, person.authority, case_reference, at, now)
    target = f"/notifications/{back}?done=interview" if back else f"/cases/{case_reference}"
    return redirect(target, web, person)
