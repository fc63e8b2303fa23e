"""The policy test files (policies/tests/*.yaml): every case of every shipped policy passes,
every shipped policy has one, and the committed JSON Schema is the one the models make."""

import json
from pathlib import Path

import pytest

from homeward.policy_cases import CaseFile, case_files, read_yaml_model, run_case_file, untested
from policies import load_policies, policy_json_schema
from tests.conftest import REPO

SHIPPED_DIR = REPO / "policies"
SHIPPED = load_policies(SHIPPED_DIR)
CASES = [
    (path, case.name)
    for path in case_files(SHIPPED_DIR)
    for case in read_yaml_model(path, CaseFile).cases
]


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{p.stem}: {n}" for p, n in CASES])
def test_policy_case(path: Path, name: str) -> None:
    (outcome,) = [o for o in run_case_file(path, SHIPPED) if o.case == name]
    assert outcome.failures == []


def test_every_shipped_policy_has_a_test_file() -> None:
    assert untested(SHIPPED_DIR, SHIPPED) == []
    assert len(case_files(SHIPPED_DIR)) == len(SHIPPED.policies)


def test_the_committed_json_schema_is_up_to_date() -> None:
    committed = json.loads((SHIPPED_DIR / "schema" / "policy.schema.json").read_text("utf-8"))
    assert committed == policy_json_schema(), (
        "regenerate: homeward policy schema > policies/schema/policy.schema.json"
    )


def test_the_json_schema_lists_every_field_a_policy_may_grant() -> None:
    grant = policy_json_schema()["$defs"]["RoleGrant"]["properties"]["fields"]
    assert "legal_status" in grant["items"]["enum"]
    assert "date_of_birth" not in grant["items"]["enum"]
