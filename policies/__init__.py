"""Declarative sharing policies (pure: no web, no database). Default deny."""

from policies.engine import (
    EventContext,
    Grant,
    Policy,
    PolicyError,
    PolicySet,
    UnsafeAllowAllPolicy,
    load_policies,
)

__all__ = [
    "EventContext",
    "Grant",
    "Policy",
    "PolicyError",
    "PolicySet",
    "UnsafeAllowAllPolicy",
    "load_policies",
]
