"""Every action the audit log records, in one place. The strings are part of the log's content
(and so of its hashes): never rename one, add a new one."""

from enum import StrEnum


class AuditAction(StrEnum):
    AUTHORITY_REGISTER = "authority.register"
    RECORDS_INGEST = "records.ingest"
    RECORDS_REPLAY = "records.replay"
    RECORDS_SUMMARY = "records.summary"
    RECORDS_STALE = "records.stale"  # updates older than the stored facts: ignored
    MATCH_LINK = "match.link"
    MATCH_REVIEW = "match.review"
    MATCH_WITHDRAW = "match.withdraw"
    POLICY_DENY = "policy.deny"
    NOTIFICATION_CREATE = "notification.create"
    NOTIFICATION_WITHDRAW = "notification.withdraw"
    NOTIFICATION_REINSTATE = "notification.reinstate"
    NOTIFICATIONS_READ = "notifications.read"
    NOTIFICATIONS_ACK = "notifications.ack"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"
    RETENTION_PURGE = "retention.purge"
    REFUSED_NOT_AUTHENTICATED = "refused.not_authenticated"
    REFUSED_FORBIDDEN = "refused.forbidden"
    REFUSED_NOT_FOUND = "refused.not_found"
    REFUSED_IDEMPOTENCY_CONFLICT = "refused.idempotency_conflict"
    REFUSED_QUOTA_EXCEEDED = "refused.quota_exceeded"
    REFUSED_INVALID_REQUEST = "refused.invalid_request"
    REFUSED_TOO_LARGE = "refused.too_large"
    REFUSED_INTERNAL_ERROR = "refused.internal_error"
    CLIENT_REGISTER = "client.register"
    CLIENT_REVOKE = "client.revoke"
    TOKEN_ISSUE = "token.issue"
    TOKEN_REFUSE = "token.refuse"
    WEBHOOK_ENDPOINT = "webhook.endpoint"
    WEBHOOK_DELIVER = "webhook.deliver"
    WEBHOOK_DEAD = "webhook.dead"
    WEBHOOK_REDELIVER = "webhook.redeliver"
    NOTIFICATION_DISPOSITION = "notification.disposition"
    AUTHORITY_UPDATE = "authority.update"
    AUTHORITY_REVOKE = "authority.revoke"
    EPOCH_PURGE = "epoch.purge"
    HUB_KEY_REKEY = "hubkey.rekey"
    MATCH_RESOLVE = "match.resolve"  # a possible match confirmed or rejected by its reviewer
    INTERVIEW_RECORD = "interview.record"  # a return interview held after a found episode
    INTERVIEW_REMIND = "interview.remind"  # none recorded 72 hours after: the reminder is due
    SIGNING_KEY_ROTATE = "signingkey.rotate"  # a new access-token signing key signs from now
    SIGNING_KEY_RETIRE = "signingkey.retire"  # tokens an old signing key signed are refused
    ALERT_ADDRESS = "alert.address"  # a duty e-mail address added or removed
    ALERT_DELIVER = "alert.deliver"  # an e-mail alert accepted by the SMTP server
    ALERT_DEAD = "alert.dead"  # an e-mail alert given up after its retries
    DIGEST_SEND = "digest.send"  # routine notifications announced together at the digest time
    POLICY_SIGN = "policy.sign"  # a council signed a policy's content (hub/sharing/signatures.py)
    POLICY_UNSIGN = "policy.unsign"  # an authority withdrew its signature
    WITNESS_COSIGN = "witness.cosign"  # a witness's cosignature of a checkpoint, kept and served
    SUBJECT_REPORT = "audit.subject_report"  # a council's subject access report on its child
    WEB_SIGN_IN = "web.sign_in"  # a person signed in to the web pages (hub/web)
    WEB_SIGN_OUT = "web.sign_out"
    WEB_VIEW = "web.view"  # a page viewed (what it showed is in the entry's detail)

    @classmethod
    def refused(cls, problem_code: str) -> "AuditAction":
        """The refusal of a request answered with this problem code."""
        return cls(f"refused.{problem_code}")
