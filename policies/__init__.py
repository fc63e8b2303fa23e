"""Declarative sharing policies (pure: no web, no database). Default deny."""

from policies.engine import (
    EventContext,
    EventType,
    Grant,
    Identification,
    Policy,
    PolicyError,
    PolicySet,
    UnsafeAllowAllPolicy,
    load_policies,
)

__all__ = [
    "EventContext",
    "EventType",
    "Grant",
    "Identification",
    "Policy",
    "PolicyError",
    "PolicySet",
    "UnsafeAllowAllPolicy",
    "load_policies",
]
