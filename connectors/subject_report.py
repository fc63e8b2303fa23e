"""A subject access report for one of the council's children: who saw what about the child,
when, and under which policy, across the scheme.

The child's reference and match keys are computed here, from the council's own identity
extract, exactly as a sync computes them; the hub is sent nothing else (no name, no date of
birth, no id in clear), so it learns nothing a normal report would not tell it. The hub answers
only the child's responsible authority, and audits the request.
"""

from collections.abc import Iterator

from connectors.app import Connector
from connectors.errors import ConfigError, ExtractUnusable
from connectors.pseudonymise import Pseudonymiser, identity_of
from connectors.sources import read_identity
from hub import wire


def request_for(connector: Connector, child_id: str) -> wire.SubjectReportRequest:
    """The child's reference and match keys, from the identity extract (nothing else)."""
    config = connector.config
    extract = read_identity(config.identities)
    if not extract.rows and extract.problems:
        raise ExtractUnusable(extract.problems)
    row = extract.by_child().get(child_id)
    if row is None:
        raise ConfigError(
            f"{config.identities}: no child {child_id!r} in the identity extract",
            "give the child_id exactly as it appears in the identity extract",
        )
    pseudonymiser = Pseudonymiser(connector.keys.shared, connector.keys.council)
    return wire.SubjectReportRequest(
        ref=pseudonymiser.child_ref(child_id),
        match_keys=pseudonymiser.match_keys(identity_of(row)),
    )


def subject_report(connector: Connector, child_id: str) -> wire.SubjectReport:
    return connector.client.subject_report(request_for(connector, child_id))


def _when(at: object) -> str:
    return "-" if at is None else f"{at:%Y-%m-%d %H:%M}"


def render(child_id: str, report: wire.SubjectReport) -> Iterator[str]:
    """The report as a data-protection officer reads it."""
    yield f"Subject access report: child {child_id} (hub reference {report.ref})"
    yield ""
    yield f"Matches ({len(report.cases)}):"
    for c in report.cases:
        state = "withdrawn " + _when(c.withdrawn_at) if c.withdrawn_at else "live"
        resolution = f", {c.resolution}" if c.resolution else ""
        yield (
            f"  {c.case_reference}  {_when(c.created_at)}  {c.outcome} to a report by "
            f"{c.reporting} ({state}{resolution})"
        )
    yield ""
    yield f"Notifications ({len(report.notifications)}):"
    for n in report.notifications:
        yield (
            f"  {n.id}  {_when(n.created_at)}  to {n.recipient}: {n.event} on "
            f"{n.case_reference}, under policy {n.policy_id} v{n.policy_version} "
            f"({n.purpose}; {n.lawful_basis})"
        )
        yield (
            f"      acknowledged {_when(n.acknowledged_at)}, withdrawn {_when(n.withdrawn_at)}, "
            f"verdict {n.disposition or '-'}"
        )
    yield ""
    yield f"Audited accesses and decisions ({len(report.entries)}):"
    for e in report.entries:
        policy = e.detail.get("policy")
        allowed = f"  policy {policy}" if isinstance(policy, str) else ""
        yield f"  #{e.index:<7} {_when(e.at)}  {e.actor:<10} {e.action:<22} {e.subject}{allowed}"
    if report.truncated:
        yield "  (more entries than one report holds: query them by case reference)"
