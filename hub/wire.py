"""The wire schema between connectors and the hub: the only hub module connectors import.

Nothing here carries an identifier in clear: match keys are HMAC tokens, child ids are sealed
under a key only the owning council holds, and record references are opaque.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from policies import EventType

API_PREFIX = "/v1"
MAX_BATCH_RECORDS = 5000
EpisodeKind = Literal["M", "A"]
# A recipient's verdict on one of its notifications (POST /v1/notifications/{id}/disposition).
Disposition = Literal["confirmed", "false_match", "duplicate"]
Resolution = Literal["confirmed", "rejected"]  # what a disposition made of a possible match
EVENT_OF_KIND: dict[str, EventType] = {"M": EventType.MISSING, "A": EventType.AWAY}


def event_of(kind: str, ended: bool) -> EventType:
    """What an episode of this kind tells a recipient: found once it has ended."""
    return EventType.FOUND if ended else EVENT_OF_KIND[kind]


def storable_text(text: str) -> bool:
    """Text a database keeps as sent: no NUL character, no unpaired surrogate (JSON can
    escape both, PostgreSQL and SQLite store neither)."""
    if text.isascii():
        return "\x00" not in text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    if isinstance(value, dict):
        return [t for pair in value.items() for t in pair if isinstance(t, str)]
    return []


class _StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WireModel(_StrictModel):
    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: object) -> object:
        if not all(map(storable_text, _texts(value))):
            raise ValueError("text must not contain NUL characters or unpaired surrogates")
        return value


class MatchKey(_StrictModel):
    """Every text field is held to an ASCII pattern, so no text check is needed on top (a
    national sync validates about a million match keys)."""

    type: str = Field(max_length=32, pattern=r"^[a-z_]+$")
    epoch: int = Field(ge=1, le=2**31 - 1)  # stored as a 32-bit SQL integer
    token: str = Field(min_length=32, max_length=64, pattern=r"^[0-9a-f]+$")


Ref = str  # opaque record reference, unique per authority
BlockToken = Annotated[str, StringConstraints(min_length=32, max_length=64, pattern=r"^[0-9a-f]+$")]


class Similarity(_StrictModel):
    """The second stage's keyed encoding of a record (docs/matchkeys.md section 8): two
    XOR-folded keyed Bloom filters, keyed blocking tokens and identifier neighbourhood tokens,
    all under one shared-key epoch.
    Optional on every record: a connector that predates it sends none, and the hub then links
    that record on match keys alone. Like ``MatchKey``, every text is held to a hex pattern, so
    no text check is needed on top (a national sync validates about 800,000 blocking tokens)."""

    epoch: int = Field(ge=1, le=2**31 - 1)
    # 512 and 256 bits; never in a repr, so never in a log line
    names: str = Field(min_length=128, max_length=128, pattern=r"^[0-9a-f]+$", repr=False)
    born: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]+$", repr=False)
    blocks: list[BlockToken] = Field(default_factory=list, max_length=16, repr=False)
    # identifier neighbourhood tokens (connectors/idnear.py), only for identifiers without a
    # check digit: none from a council's connector today
    near: list[BlockToken] = Field(default_factory=list, max_length=32, repr=False)


class ChildRecord(WireModel):
    """A looked-after child of the uploading (responsible) authority."""

    ref: Ref = Field(min_length=8, max_length=64)
    sealed_id: str = Field(max_length=512, pattern=r"^s1\.[0-9a-f]+$")
    match_keys: list[MatchKey] = Field(max_length=64)
    legal_status: str | None = Field(default=None, max_length=8)
    placement_type: str | None = Field(default=None, max_length=8)
    placement_authority: str | None = Field(default=None, pattern=r"^[EWSN]\d{8}$")
    placed_since: date | None = None
    # A non-identifying fact: the child's whereabouts must not be shared (e.g. risk from
    # family); every notification about the child then omits its location fields.
    confidential_location: bool = False
    similarity: Similarity | None = None


class EpisodeRecord(WireModel):
    """A missing (M) or away (A) episode recorded by the uploading (reporting) authority.

    ``child_ref`` is set when the reporting authority itself looks after the child; otherwise the
    hub links the episode to another authority's child through ``match_keys``.
    """

    ref: Ref = Field(min_length=8, max_length=64)
    child_ref: Ref | None = Field(default=None, max_length=64)
    sealed_id: str | None = Field(default=None, max_length=512, pattern=r"^s1\.[0-9a-f]+$")
    match_keys: list[MatchKey] = Field(default_factory=list, max_length=64)
    similarity: Similarity | None = None
    kind: EpisodeKind
    start: date
    end: date | None = None
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None


class RecordBatch(WireModel):
    children: list[ChildRecord] = Field(default_factory=list)
    episodes: list[EpisodeRecord] = Field(default_factory=list)
    removed_children: list[Ref] = Field(default_factory=list)
    removed_episodes: list[Ref] = Field(default_factory=list)

    def size(self) -> int:
        return (
            len(self.children)
            + len(self.episodes)
            + len(self.removed_children)
            + len(self.removed_episodes)
        )


class BatchReceipt(WireModel):
    """What the uploader learns: counts only, never whether anything matched."""

    children: int
    episodes: int
    removed_children: int
    removed_episodes: int
    replayed: bool = False
    # What the sender should act on, e.g. it sends tokens only under a shared-key epoch no other
    # authority uses (hub/records/epochs.py). Never about a child or a match.
    warnings: list[str] = Field(default_factory=list)


class HubInfo(WireModel):
    """The hub's stable id, made once when its database was created: a connector that finds
    another id is talking to another (new or rebuilt) hub and sends everything again."""

    hub_id: str


class RecordSummary(WireModel):
    authority: str
    children: int
    episodes: int


class Notification(WireModel):
    id: str
    created_at: datetime
    event: EventType
    policy_id: str
    policy_version: int
    policy_hash: str | None = None  # SHA-256 of the policy content it was granted under
    purpose: str
    lawful_basis: str
    retain_until: date
    fields: dict[str, str | None]
    acknowledged_at: datetime | None = None
    # Set when the match it reported no longer stands: stand down. ``superseded_by`` is the id
    # of your notification about the same episode that replaces it, if there is one.
    withdrawn_at: datetime | None = None
    superseded_by: str | None = None
    # Your verdict on it, once given: confirmed, false_match or duplicate.
    disposition: Disposition | None = None
    disposed_at: datetime | None = None


class NotificationPage(WireModel):
    notifications: list[Notification]
    next_cursor: str | None


class Acknowledgement(WireModel):
    ids: list[str] = Field(min_length=1, max_length=1000)


class AcknowledgementReceipt(WireModel):
    acknowledged: int


class DispositionRequest(WireModel):
    """Confirmed, false match or duplicate. On a possible match awaiting your review, confirmed
    makes it a link (its notifications follow) and false_match closes it."""

    disposition: Disposition


class DispositionReceipt(WireModel):
    notification: str
    disposition: Disposition
    # What became of the possible match it asked you to review: "confirmed" (now a link),
    # "rejected" (closed), or None when it was not one awaiting review.
    match_resolution: Resolution | None = None


class ReturnInterview(WireModel):
    """The return interview held after a child came back (stops the 72-hour reminder)."""

    at: AwareDatetime


class ReturnInterviewReceipt(WireModel):
    reference: str
    interview_at: datetime


class AuditEntry(WireModel):
    """One entry of the transparency log, decoded from its leaf (``leaf_hash``: RFC 9162)."""

    index: int
    at: datetime
    actor: str
    action: str
    subject: str
    refs: list[str]
    detail: dict[str, object]
    leaf_hash: str


class AuditPage(WireModel):
    entries: list[AuditEntry]
    next_cursor: str | None


class AuditVerification(WireModel):
    """The hub's own check of its log: an auditor should also verify independently."""

    ok: bool
    entries: int
    root: str
    problem: str | None = None
    at_index: int | None = None


class WebhookEndpointStatus(WireModel):
    id: int
    url: str
    active: bool
    pending: int
    dead: int
    last_error: str | None


class WebhookStatus(WireModel):
    """A council's webhook endpoints, and the deliveries that gave up (dead letters): the
    notifications themselves are always in the inbox."""

    endpoints: list[WebhookEndpointStatus]
    dead_webhook_ids: list[str]


class AuditLeafBytes(WireModel):
    index: int
    entry: str  # the exact leaf bytes, standard base64


class AuditLeaves(WireModel):
    entries: list[AuditLeafBytes]


class AuditProof(WireModel):
    hashes: list[str]  # standard base64, RFC 9162 order


class AuditCheckpointRecord(WireModel):
    size: int
    issued_at: datetime
    note: str


class AuditCheckpointHistory(WireModel):
    checkpoints: list[AuditCheckpointRecord]
    next_cursor: str | None


class SubjectReportRequest(WireModel):
    """A council's subject access request for one of its children: the reference and match
    keys it sends for that child in every sync (nothing more)."""

    ref: Ref = Field(min_length=8, max_length=64)
    match_keys: list[MatchKey] = Field(min_length=1, max_length=64)


class SubjectCase(WireModel):
    case_reference: str
    outcome: str  # linked | possible | own_record
    reporting: str  # the authority whose report was matched to the child
    created_at: datetime
    withdrawn_at: datetime | None
    resolution: str | None


class SubjectNotification(WireModel):
    id: str
    case_reference: str
    recipient: str
    event: str
    policy_id: str
    policy_version: int
    purpose: str
    lawful_basis: str
    created_at: datetime
    acknowledged_at: datetime | None
    withdrawn_at: datetime | None
    disposition: str | None


class SubjectReport(WireModel):
    """Every match, notification and audited access about one child across the scheme."""

    ref: Ref
    cases: list[SubjectCase]
    notifications: list[SubjectNotification]
    entries: list[AuditEntry]
    truncated: bool  # more entries than one report holds: query them by case reference


class AuditCosignatureSubmission(WireModel):
    """A witness's cosignature (c2sp.org/tlog-cosignature, Ed25519) of the checkpoint of
    ``size``: its signature line and the witness's verifier key (``name+id+base64``)."""

    size: int = Field(ge=0, le=2**31 - 1)
    witness_key: str = Field(min_length=1, max_length=512)
    cosignature: str = Field(min_length=1, max_length=512)


class AuditCosignatureReceipt(WireModel):
    size: int
    witness: str
    cosignatures: int  # how many witnesses have now cosigned that checkpoint
