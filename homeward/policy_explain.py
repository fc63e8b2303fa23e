"""``homeward policy explain``: who receives which fields under which policy, and why everyone
else receives nothing, in words a duty manager or a lawyer reads."""

from collections.abc import Iterator

from homeward.policy_cases import Scenario
from policies import Grant, PolicySet, Verdict
from policies.codes import meaning


def _scenario_line(s: Scenario) -> str:
    parts = [f"{s.event} ({s.kind()}: {meaning('episode_kind', s.kind())})", f"match {s.match}"]
    parts.append(f"responsible {s.responsible}, reporting {s.reporting or s.responsible}")
    if s.area:
        parts.append(f"area {s.area}")
    for name in ("legal_status", "placement_type"):
        code = getattr(s, name)
        if code:
            parts.append(f"{name.replace('_', ' ')} {code} ({meaning(name, code)})")
    if s.confidential_location:
        parts.append("confidential location")
    return "Event: " + "; ".join(parts)


def _grant_lines(grant: Grant) -> Iterator[str]:
    yield f"  {grant.role} {grant.recipient} receives ({grant.urgency}, kept until "
    yield f"{grant.retain_until}):\n"
    for name, value in grant.fields.items():
        yield f"    {name}: {value if value is not None else '(none)'}\n"


def _verdict_lines(v: Verdict) -> Iterator[str]:
    head = f"{v.policy.id} v{v.policy.version} (content {v.policy_hash[:16]}...)"
    if v.not_applied:
        yield f"{head}: does not apply\n"
        yield from (f"  - {reason}\n" for reason in v.not_applied)
        return
    yield f"{head}: applies ({v.policy.purpose})\n"
    for grant in v.grants:
        yield from _grant_lines(grant)
    yield from (
        f"  {r.role} {r.authority or '-'} receives nothing: {r.reason}\n" for r in v.refusals
    )


def _nothing_for(scenario: Scenario, verdicts: list[Verdict]) -> Iterator[str]:
    receiving = {g.recipient for v in verdicts for g in v.grants}
    applying = any(not v.not_applied for v in verdicts)
    for code in sorted(scenario.authorities()):
        if code not in receiving:
            reasons = [r.reason for v in verdicts for r in v.refusals if r.authority == code]
            fallback = "no policy that applies names it as a recipient"
            why = "; ".join(reasons) or (fallback if applying else "no policy applies (see above)")
            yield f"{code} receives nothing: {why}\n"


def explain(scenario: Scenario, policies: PolicySet) -> str:
    verdicts = scenario.explain(policies)
    lines = [_scenario_line(scenario) + "\n"]
    if not policies.policies:
        lines.append("No policies: everything is denied.\n")
    for v in verdicts:
        lines.extend(_verdict_lines(v))
    lines.extend(_nothing_for(scenario, verdicts))
    return "".join(lines)
