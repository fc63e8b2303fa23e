"""Policy scenarios: an event and a match, written in YAML, run through the hub's own pure
sharing code (hub/sharing/context.py builds the event context exactly as the hub does; the
policy engine explains it). ``homeward policy explain`` shows one scenario; policy test files
(``policies/tests/*.yaml``: scenarios with expected decisions) are run by ``homeward policy
test`` and by ``make test``."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hub.identity.values import AuthorityFacts
from hub.linking.values import Link
from hub.records.values import ChildFacts, EpisodeFacts
from hub.sharing.context import event_context
from policies import EventType, Identification, PolicyError, PolicySet, Signatures, Verdict
from policies.errors import PolicyCaseError, Problem
from policies.loading import locate

CASE_REFERENCE = "HW-EXAMPLE0001"
M = TypeVar("M", bound=BaseModel)
ENDED = (EventType.FOUND, EventType.RETURN_INTERVIEW_DUE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scenario(_Strict):
    """An event and its match, as the hub would see them."""

    event: EventType
    episode_kind: Literal["M", "A"] | None = None
    match: Identification
    responsible: str = Field(pattern=r"^[EWSN]\d{8}$")
    reporting: str | None = Field(default=None, pattern=r"^[EWSN]\d{8}$")
    area: str | None = Field(default=None, pattern=r"^[EWSN]\d{8}$")
    legal_status: str | None = None
    placement_type: str | None = None
    confidential_location: bool = False
    start: date
    end: date | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    today: date | None = None
    # Authority -> the policies it has NOT signed ("all" or a list of ids); others signed all.
    unsigned: dict[str, Literal["all"] | list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        if self.event == EventType.MISSING and self.episode_kind == "A":
            raise ValueError("a missing event is an M episode: drop episode_kind or use away")
        if self.event == EventType.AWAY and self.episode_kind == "M":
            raise ValueError("an away event is an A episode: drop episode_kind or use missing")
        return self

    def kind(self) -> Literal["M", "A"]:
        return self.episode_kind or ("A" if self.event == EventType.AWAY else "M")

    def link(self) -> Link:
        end = self.end or (self.start if self.event in ENDED else None)
        reporting = self.reporting or self.responsible
        episode = EpisodeFacts(
            1,
            reporting,
            None,
            "s1.e0",
            self.kind(),
            self.start,
            end,
            self.started_at,
            self.ended_at,
        )
        child = ChildFacts(
            1,
            self.responsible,
            "s1.c0",
            self.legal_status,
            self.placement_type,
            self.area,
            None,
            self.confidential_location,
        )
        about = (
            EventType.RETURN_INTERVIEW_DUE if self.event == EventType.RETURN_INTERVIEW_DUE else None
        )
        return Link(CASE_REFERENCE, episode, child, self.match, about=about)

    def authorities(self) -> dict[str, AuthorityFacts]:
        codes = {c for c in (self.responsible, self.reporting, self.area) if c}
        return {c: AuthorityFacts(c, f"Council {c}", f"Duty team {c}", True) for c in codes}

    def signatures(self, policies: PolicySet) -> Signatures:
        pairs = []
        for code in self.authorities():
            refused = self.unsigned.get(code, [])
            for policy in policies.policies:
                if refused != "all" and policy.id not in refused:
                    pairs.append((policies.hashes[policy.id], code))
        return Signatures.of(pairs)

    def explain(self, policies: PolicySet) -> list[Verdict]:
        today = self.today or (self.end or self.start) + timedelta(days=1)
        context = event_context(self.link(), self.authorities(), today)
        return policies.explain(context, self.signatures(policies))


class Expected(_Strict):
    """One grant the case expects: under which policy, to which role, with which fields."""

    to: Literal["responsible", "reporting", "area"]
    fields: list[str]
    values: dict[str, str | None] = Field(default_factory=dict)


class Case(_Strict):
    name: str
    scenario: Scenario
    expect: list[Expected]  # every grant of the file's policy; [] = it grants nothing


class CaseFile(_Strict):
    policy: str
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Outcome:
    file: Path
    policy: str
    case: str
    failures: list[str]


def _problems(path: Path, text: str, exc: ValidationError) -> list[Problem]:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found = []
    for error in exc.errors():
        loc = [s for s in error["loc"] if not str(s).startswith("function-")]
        at_key = error["type"] == "extra_forbidden"
        node = locate(root, loc, at_key=at_key) if root is not None else None
        line, column = (
            (None, None) if node is None else (node.start_mark.line + 1, node.start_mark.column + 1)
        )
        where = ".".join(map(str, loc)) or "(top level)"
        remedy = "see docs/policies.md (Policy test files)"
        found.append(Problem(path, line, column, f"{where}: {error['msg']}", remedy))
    return found


def read_yaml_model(path: Path, model: type[M]) -> M:
    """A YAML file as ``model``; problems name file, line and column."""
    try:
        text = path.read_text(encoding="utf-8")
        document: Any = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyCaseError(f"{path}: cannot read: {exc}") from exc
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        problems = _problems(path, text, exc)
        raise PolicyCaseError("; ".join(map(str, problems)), problems) from exc


def _check(case: Case, policy: str, policies: PolicySet) -> list[str]:
    grants = [g for v in case.scenario.explain(policies) for g in v.grants if g.policy_id == policy]
    got = sorted((g.role, sorted(g.fields)) for g in grants)
    wanted = sorted((e.to, sorted(e.fields)) for e in case.expect)
    failures = [] if got == wanted else [f"expected {wanted}, got {got}"]
    by_role = {g.role: g.fields for g in grants}
    for expected in case.expect:
        for name, value in expected.values.items():
            actual = by_role.get(expected.to, {}).get(name)
            if actual != value:
                failures.append(f"{expected.to}.{name}: expected {value!r}, got {actual!r}")
    return failures


def run_case_file(path: Path, policies: PolicySet) -> list[Outcome]:
    cases = read_yaml_model(path, CaseFile)
    if cases.policy not in policies.hashes:
        raise PolicyError(f"{path}: tests policy {cases.policy!r}, which is not in the directory")
    return [
        Outcome(path, cases.policy, case.name, _check(case, cases.policy, policies))
        for case in cases.cases
    ]


def case_files(directory: Path) -> list[Path]:
    return sorted((Path(directory) / "tests").glob("*.yaml"))


def untested(directory: Path, policies: PolicySet) -> list[str]:
    """Policies no test file in ``directory/tests`` is about."""
    tested = {read_yaml_model(p, CaseFile).policy for p in case_files(directory)}
    return [p.id for p in policies.policies if p.id not in tested]
