"""Declarative sharing policies (pure: no web, no database). Default deny.

model (the schema) -> loading (files, with line numbers) -> engine (explain / decide, with
signatures and the confidential-location rule) -> cases (policy test files).
"""

from policies.engine import EventContext, Grant, PolicySet, Refusal, UnsafeAllowAllPolicy, Verdict
from policies.errors import PolicyError, Problem
from policies.loading import check_directory, load_policies, load_policy
from policies.model import EventType, Identification, Policy, Urgency, policy_json_schema
from policies.signatures import NO_SIGNATURES, Signatures

__all__ = [
    "NO_SIGNATURES",
    "EventContext",
    "EventType",
    "Grant",
    "Identification",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Problem",
    "Refusal",
    "Signatures",
    "UnsafeAllowAllPolicy",
    "Urgency",
    "Verdict",
    "check_directory",
    "load_policies",
    "load_policy",
    "policy_json_schema",
]
