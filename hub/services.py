"""The hub's services and the backends chosen for them: what every request and batch needs."""

from dataclasses import dataclass
from datetime import time

from hub.audit import MerkleLog
from hub.audit.checkpoints import CheckpointIssuer
from hub.audit.interfaces import AuditLog
from hub.delivery.inbox import InboxDeliverer
from hub.delivery.interfaces import Deliverer
from hub.identity.interfaces import Authenticator
from hub.identity.tokens import AccessTokenSigner
from keys import HubKeyring
from policies import PolicySet


@dataclass(frozen=True)
class HubServices:
    policies: PolicySet
    hub_keys: HubKeyring
    audit: AuditLog
    authenticator: Authenticator
    deliverer: Deliverer
    tokens: AccessTokenSigner
    checkpoints: CheckpointIssuer
    max_keyed_reports_per_day: int = 2000


def build_services(
    policies: PolicySet,
    hub_keys: HubKeyring,
    *,
    authenticator: Authenticator,
    tokens: AccessTokenSigner,
    checkpoints: CheckpointIssuer,
    max_keyed_reports_per_day: int = 2000,
    digest_at: time | None = None,
) -> HubServices:
    audit = MerkleLog()
    return HubServices(
        policies=policies,
        hub_keys=hub_keys,
        audit=audit,
        authenticator=authenticator,
        tokens=tokens,
        checkpoints=checkpoints,
        deliverer=InboxDeliverer(audit, digest_at),
        max_keyed_reports_per_day=max_keyed_reports_per_day,
    )
