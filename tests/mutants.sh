#!/usr/bin/env bash
# Issue 6: the nine mutations that survived the suite before; each must now make a test fail.
# Usage: tests/mutants.sh (edits a file, runs the tests that guard it, restores it with git).
# apply each mutant, run the named tests, report whether any test failed, restore
cd "$(dirname "$0")/.."
run() {
  local name="$1" file="$2" from="$3" to="$4"; shift 4
  python3 - "$file" "$from" "$to" <<'PY'
import sys; p,a,b=sys.argv[1:]; s=open(p).read(); assert a in s, (p,a); open(p,'w').write(s.replace(a,b,1))
PY
  if HOMEWARD_TEST_POSTGRES_URL= .venv/bin/pytest -q -x -p no:cacheprovider "$@" >/dev/null 2>&1; then r="SURVIVED"; else r="killed"; fi
  git checkout -q -- "$file"
  echo "$r  $name"
}
run "within_days ignored" policies/engine.py "if (ctx.today - ctx.event_date) > timedelta(days=when.within_days):" "if False:" tests/unit/policies
run "retention_days ignored" policies/engine.py "retain_until=ctx.today + timedelta(days=policy.retention_days)," "retain_until=ctx.today," tests/unit/policies
run "a == b dropped" policies/engine.py "if a is None or b is None or a == b:" "if a is None or b is None:" tests/unit/policies
run "unknown fields allowed" policies/engine.py "            if unknown:" "            if False:" tests/unit/policies
run "key files 0644" keys/keyfiles.py "KEY_FILE_MODE = 0o600" "KEY_FILE_MODE = 0o644" tests/unit/keys
run "empty keyring allowed" keys/keyring.py "        if not secrets:" "        if False:" tests/unit/keys
run "retry every status" connectors/retry.py "    return status is None or status in RETRYABLE_STATUS" "    return True" tests/unit/connectors
run "quota window 365 days" hub/records/quota.py "QUOTA_WINDOW = timedelta(days=1)" "QUOTA_WINDOW = timedelta(days=365)" tests/functional/test_quota_and_retention.py
run "idempotency never forgotten" hub/delivery/retention.py "    forgotten = forget_stale(session, now)" "    forgotten = 0" tests/functional/test_quota_and_retention.py
