"""Policy files in, validated policies out; every problem names its file, line and column (the
YAML position of the offending key or value) and a remedy."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from policies.engine import PolicySet
from policies.errors import PolicyError, Problem
from policies.model import Conditions, Policy, RoleGrant

SCHEMA_DOC = "docs/policies.md"
Loc = Sequence[int | str]


def _position(node: yaml.Node | None) -> tuple[int | None, int | None]:
    if node is None:
        return None, None
    return node.start_mark.line + 1, node.start_mark.column + 1


def _child(node: yaml.Node, step: int | str, key: bool) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(step):
                chosen: yaml.Node = key_node if key else value_node
                return chosen
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        found: yaml.Node = node.value[step]
        return found
    return None


def locate(root: yaml.Node, loc: Loc, *, at_key: bool = False) -> yaml.Node:
    """The deepest node along ``loc`` (the key itself when ``at_key``): a missing key points at
    the mapping that lacks it."""
    node = root
    for i, step in enumerate(loc):
        found = _child(node, step, key=at_key and i == len(loc) - 1)
        if found is None:
            break
        node = found
    return node


def _model_at(loc: Loc) -> type[BaseModel]:
    names = [step for step in loc if isinstance(step, str)]
    if names[:1] == ["when"]:
        return Conditions
    if names[:1] == ["grants"]:
        return RoleGrant
    return Policy


def _remedy(error: ErrorDetails) -> str:
    loc, kind = error["loc"], error["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(_model_at(loc[:-1]).model_fields)
        return f"remove '{loc[-1]}' or correct its spelling; allowed here: {allowed}"
    if kind == "missing":
        return f"add '{loc[-1]}' (see {SCHEMA_DOC})"
    if "unknown fields" in error["msg"]:
        return f"use only the fields listed in {SCHEMA_DOC} (Fields)"
    if "codes" in error["msg"]:
        return "use a code from policies/reference/ssda903_codes.csv"
    return f"see '{'.'.join(map(str, loc)) or 'the policy'}' in {SCHEMA_DOC}"


def _offending_item(node: yaml.Node, message: str) -> yaml.Node:
    """In a list, the first item the message names (e.g. an unknown field)."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            named = message.split("; known")[0]
            if isinstance(item, yaml.ScalarNode) and f"'{item.value}'" in named:
                return item
    return node


def _problem(path: Path, root: yaml.Node, error: ErrorDetails) -> Problem:
    loc = [step for step in error["loc"] if not str(step).startswith("function-")]
    node = locate(root, loc, at_key=error["type"] == "extra_forbidden")
    node = _offending_item(node, error["msg"])
    line, column = _position(node)
    where = ".".join(map(str, loc)) or "(top level)"
    return Problem(path, line, column, f"{where}: {error['msg']}", _remedy(error))


def _yaml_problem(path: Path, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    remedy = "fix the YAML syntax at this position (indentation, brackets, quotes)"
    return Problem(path, line, column, f"cannot read policy: {exc}", remedy)


def policy_problems(path: Path) -> tuple[Policy | None, list[Problem]]:
    """The policy in ``path``, or every problem found in it."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        document: Any = yaml.safe_load(text)
    except OSError as exc:
        return None, [Problem(path, None, None, f"cannot read policy: {exc}", "check the path")]
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(path, exc)]
    if root is None or not isinstance(document, dict):
        remedy = f"write the policy as a YAML mapping (see {SCHEMA_DOC})"
        return None, [Problem(path, 1, 1, "invalid policy: not a mapping of keys", remedy)]
    try:
        return Policy.model_validate(document), []
    except ValidationError as exc:
        return None, [_problem(path, root, e) for e in exc.errors()]


def _raise(path: Path | str, problems: list[Problem]) -> None:
    lines = "; ".join(p.detail() for p in problems)
    raise PolicyError(f"{path}: invalid policy: {lines}", problems)


def load_policy(path: Path) -> Policy:
    policy, problems = policy_problems(path)
    if policy is None:
        if problems and problems[0].message.startswith("cannot read policy"):
            raise PolicyError(f"{path}: {problems[0].message}", problems)
        _raise(path, problems)
    assert policy is not None
    return policy


def _duplicates(found: list[tuple[Path, Policy]]) -> list[Problem]:
    first: dict[str, Path] = {}
    problems = []
    for path, policy in found:
        if policy.id in first:
            message = f"duplicate policy ids: '{policy.id}' is also in {first[policy.id]}"
            root = yaml.compose(path.read_text("utf-8"), Loader=yaml.SafeLoader)
            line, column = _position(locate(root, ["id"]) if root is not None else None)
            problems.append(Problem(path, line, column, message, "give each policy its own id"))
        first.setdefault(policy.id, path)
    return problems


def check_directory(directory: Path) -> tuple[list[Policy], list[Problem]]:
    """Every policy in ``directory/*.yaml`` and every problem in any of them."""
    if not Path(directory).is_dir():
        raise PolicyError(f"{directory}: not a directory of policies")
    found, problems = [], []
    for path in sorted(Path(directory).glob("*.yaml")):
        policy, trouble = policy_problems(path)
        problems.extend(trouble)
        if policy is not None:
            found.append((path, policy))
    problems.extend(_duplicates(found))
    return [p for _, p in found], problems


def load_policies(directory: Path) -> PolicySet:
    policies, problems = check_directory(directory)
    if problems:
        raise PolicyError("; ".join(map(str, problems)), problems)
    return PolicySet(policies)
