"""Notifications in plain English, for a duty worker at two in the morning: what happened, who
reported it and when (in UK time, with the zone), whom to call, the 903 codes and what they
mean, and the case reference. Pure: values in, values out."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hub import wire
from hub.errors import InvalidRequest
from hub.web.codes import LEGAL_STATUS, PLACEMENT_TYPE, meaning

UK = ZoneInfo("Europe/London")
POSSIBLE = "possible match: needs review"
URGENT_EVENTS = {"missing", "found", "away", "return_interview_due"}
HEADLINES = {
    "missing": "Reported missing",
    "away": "Reported away from placement",
    "found": "Found",
    "return_interview_due": "Return interview due (72 hours since the child came back)",
}
DISPOSITIONS = {
    "confirmed": "Confirmed: this is our child",
    "false_match": "False match: not our child",
    "duplicate": "Duplicate of a notification we already had",
}


def uk_time(at: datetime | str | None) -> str | None:
    """``Tuesday 1 December 2026 at 2:14am GMT``; a date alone is shown as a date."""
    if at is None or at == "":
        return None
    if isinstance(at, str):
        if len(at) == 10:
            return date.fromisoformat(at).strftime("%A %-d %B %Y")
        at = datetime.fromisoformat(at)
    local = at.astimezone(UK)
    clock = local.strftime("%-I:%M%p").lower()
    return f"{local.strftime('%A %-d %B %Y')} at {clock} {local.tzname()}"


def uk_moment(day: str | None, clock: str | None) -> datetime:
    """A UK date (YYYY-MM-DD) and time (HH:MM) from a form, as an aware datetime."""
    try:
        return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UK)
    except ValueError as exc:
        raise InvalidRequest(
            "give the date as YYYY-MM-DD and the time as HH:MM, e.g. 2026-11-25 and 14:30"
        ) from exc


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: str
    seq: int
    headline: str
    urgent: bool
    unread: bool
    received: str
    case_reference: str | None
    your_reference: str | None
    reported_by: str | None
    responsible: str | None
    contact: str | None
    when: str | None
    ended: str | None
    codes: list[tuple[str, str]]
    match_status: str | None
    needs_review: bool
    interview_due: bool
    disposition: str | None
    withdrawn: bool
    policy: str
    purpose: str
    lawful_basis: str


def _authority(fields: dict[str, str | None], role: str) -> str | None:
    name, code = fields.get(f"{role}_authority_name"), fields.get(f"{role}_authority")
    if name and code:
        return f"{name} ({code})"
    return name or code


SEALED = "Sealed by your connector: its inbox (homeward connector inbox) shows your own id"


def _own_reference(value: str | None) -> str | None:
    """The recipient's own id for the child is sealed for its connector: the hub cannot read
    it, so the page says where to find it."""
    if value and value.startswith("s1."):
        return SEALED
    return value


def _code(fields: dict[str, str | None], name: str, table: dict[str, str]) -> str | None:
    """The code with its meaning: the one the hub sent beside it (``<name>_meaning``) if any,
    else this module's table."""
    code, sent = fields.get(name), fields.get(f"{name}_meaning")
    return f"{code}: {sent}" if code and sent else meaning(table, code)


def view(seq: int, n: wire.Notification) -> NotificationView:
    f = n.fields
    codes = [
        (label, text)
        for label, text in (
            ("Legal status", _code(f, "legal_status", LEGAL_STATUS)),
            ("Placement type", _code(f, "placement_type", PLACEMENT_TYPE)),
        )
        if text
    ]
    return NotificationView(
        id=n.id,
        seq=seq,
        headline=HEADLINES.get(str(n.event), str(n.event)),
        urgent=str(n.event) in URGENT_EVENTS and n.acknowledged_at is None,
        unread=n.acknowledged_at is None,
        received=uk_time(n.created_at) or "",
        case_reference=f.get("case_reference"),
        your_reference=_own_reference(f.get("your_reference")),
        reported_by=_authority(f, "reporting"),
        responsible=_authority(f, "responsible"),
        contact=f.get("reporting_authority_contact") or f.get("responsible_authority_contact"),
        when=uk_time(f.get("started_at") or f.get("start")),
        ended=uk_time(f.get("ended_at") or f.get("end")),
        codes=codes,
        match_status=f.get("match_status"),
        needs_review=f.get("match_status") == POSSIBLE and n.disposition is None,
        interview_due=str(n.event) == "return_interview_due",
        disposition=DISPOSITIONS.get(n.disposition or ""),
        withdrawn=n.withdrawn_at is not None,
        policy=f"{n.policy_id} v{n.policy_version}",
        purpose=n.purpose,
        lawful_basis=n.lawful_basis,
    )


def inbox_order(views: list[NotificationView]) -> list[NotificationView]:
    """Urgent first, then unread, then the rest; newest first within each."""
    return sorted(views, key=lambda v: (not v.urgent, not v.unread, -v.seq))
