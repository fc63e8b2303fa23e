"""The auditor console: search the log, a case's whole trail, exports, and whether the log
verifies (its latest signed checkpoint, consistent with the last one this person was shown)."""

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse

from hub import wire
from hub.api.deps import HubDep, NowDep, SessionDep
from hub.audit import AuditAction
from hub.audit import service as audit_service
from hub.errors import Forbidden, InvalidRequest
from hub.identity.interfaces import Caller
from hub.web import audit_data
from hub.web.deps import Auditor, WebDep, render
from hub.web.session import Person
from hub.web.views import UK, uk_time

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=256)]
PAGE = 100
EXPORT_MAX = 10_000
ACTIONS = sorted(a.value for a in AuditAction)
EXPORT_FIELDS = ["index", "at", "actor", "action", "subject", "refs", "detail", "leaf_hash"]


class Search:
    """The search form's fields, as the audit API's filters."""

    def __init__(
        self,
        case: Text = None,
        authority: Text = None,
        action: Text = None,
        policy: Text = None,
        since: Text = None,
        until: Text = None,
        after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    ) -> None:
        self.case, self.authority, self.action, self.policy = case, authority, action, policy
        self.since, self.until, self.after = _day(since), _day(until), after

    def filters(self) -> dict[str, str | datetime | None]:
        return {
            "subject": self.case or None,
            "actor": self.authority or None,
            "action": self.action or None,
            "policy": self.policy or None,
            "since": _uk_midnight(self.since),
            "until": _uk_midnight(self.until, next_day=True),
        }


SearchDep = Annotated[Search, Depends()]


def _day(text: str | None) -> date | None:
    """A date from the form (empty: none); a malformed one is a clear refusal."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidRequest(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-25") from exc


def _uk_midnight(day: date | None, next_day: bool = False) -> datetime | None:
    """The start of a day in UK time (the search's dates are UK dates), in UTC."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=int(next_day)), time(0), tzinfo=UK).astimezone(UTC)


def _caller(person: Person) -> Caller:
    """The person's authority as the audit services know it (a council's auditor reads only
    its council's accesses, like the API)."""
    return Caller.of(person.authority, person.authority_role)


def _entries(
    hub: HubDep,
    db: SessionDep,
    now: datetime,
    person: Person,
    start: int,
    limit: int,
    filters: dict[str, str | datetime | None],
) -> wire.AuditPage:
    """A page of the entries the person may read, as the API's audit search gives them."""
    return audit_service.read_entries(
        db, hub.services.audit, _caller(person), now, start=start, limit=limit, filters=filters
    )


def _view(
    hub: HubDep, db: SessionDep, now: datetime, person: Person, page: str, **shown: object
) -> None:
    hub.services.audit.append(
        db,
        now,
        actor=person.authority,
        action=AuditAction.WEB_VIEW,
        detail={"person": person.subject, "page": page, **shown},
    )


def row(entry: wire.AuditEntry) -> dict[str, Any]:
    detail = entry.detail
    policy = detail.get("policy")
    version = detail.get("policy_version")
    return {
        "index": entry.index,
        "at": uk_time(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "person": detail.get("person"),
        "policy": f"{policy} v{version}" if policy and version else policy,
        "subject": entry.subject,
        "recipient": detail.get("recipient"),
        "notifications": detail.get("notifications") or detail.get("notification"),
    }


@router.get("/audit", response_class=HTMLResponse)
def search_page(
    request: Request,
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    web: WebDep,
    person: Auditor,
    search: SearchDep,
) -> Response:
    page = _entries(hub, db, now, person, search.after, PAGE, search.filters())
    _view(hub, db, now, person, "/audit")
    query = request.url.query
    return render(
        request,
        web,
        "audit_search.html",
        person,
        title="Audit search",
        search=search,
        actions=ACTIONS,
        entries=[row(e) for e in page.entries],
        next_cursor=page.next_cursor,
        query=query,
    )


@router.get("/audit/cases/{case_reference}", response_class=HTMLResponse)
def case_trail(
    request: Request,
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    web: WebDep,
    person: Auditor,
    case_reference: Annotated[str, Path(max_length=64)],
) -> Response:
    page = _entries(hub, db, now, person, 0, 1000, {"subject": case_reference})
    _view(hub, db, now, person, f"/audit/cases/{case_reference}")
    return render(
        request,
        web,
        "audit_case.html",
        person,
        title=f"Case {case_reference}",
        case_reference=case_reference,
        entries=[row(e) for e in page.entries],
    )


@router.get("/audit/export.{kind}")
def export(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    person: Auditor,
    search: SearchDep,
    kind: Annotated[str, Path(pattern="^(csv|jsonl)$")],
) -> Response:
    """Every entry the search finds (up to 10,000), as CSV or JSON Lines; audited like a read."""
    entries: list[wire.AuditEntry] = []
    start = search.after
    while len(entries) < EXPORT_MAX:
        page = _entries(hub, db, now, person, start, 1000, search.filters())
        entries.extend(page.entries)
        if page.next_cursor is None:
            break
        start = int(page.next_cursor)
    _view(hub, db, now, person, f"/audit/export.{kind}", exported=len(entries))
    body = _csv(entries) if kind == "csv" else _jsonl(entries)
    media = "text/csv" if kind == "csv" else "application/x-ndjson"
    name = f"homeward-audit-{now:%Y%m%dT%H%M%SZ}.{kind}"
    return StreamingResponse(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _csv(entries: list[wire.AuditEntry]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, EXPORT_FIELDS)
    writer.writeheader()
    for e in entries:
        data = e.model_dump(mode="json")
        data["refs"] = " ".join(e.refs)
        data["detail"] = json.dumps(e.detail, sort_keys=True)
        writer.writerow(data)
    yield out.getvalue()


def _jsonl(entries: list[wire.AuditEntry]) -> Iterator[str]:
    for e in entries:
        yield json.dumps(e.model_dump(mode="json"), sort_keys=True) + "\n"


@router.get("/audit/verification", response_class=HTMLResponse)
def verification(
    request: Request, hub: HubDep, db: SessionDep, now: NowDep, web: WebDep, person: Auditor
) -> Response:
    if person.authority_role != "auditor":
        raise Forbidden("only the scheme's auditors verify the whole log")
    saved = audit_data.last_seen_checkpoint(db, person.authority, person.subject)
    result = audit_data.check_log(db, hub.services.checkpoints, now, saved)
    shown = result.checkpoint or audit_service.checkpoint(db, hub.services.checkpoints, now)
    _view(
        hub,
        db,
        now,
        person,
        "/audit/verification",
        **({"checkpoint": result.checkpoint} if result.checkpoint else {}),
    )
    return render(
        request,
        web,
        "audit_verification.html",
        person,
        title="Log verification",
        result=result.verification,
        checkpoint=shown,
        previous=saved,
        key=hub.services.checkpoints.verifier.vkey,
        witnesses=audit_data.cosigners(shown, hub.services.checkpoints.verifier.name),
    )
