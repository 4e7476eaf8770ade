#!/usr/bin/env bash
# Fuzz the API from its own OpenAPI document with schemathesis, every check and the stateful phase (links): the server
# must accept what the contract admits and refuse what it does not, answer no 5xx, and match every schema it declares.
# scripts/ci/schemathesis_hooks.py teaches it the contract's custom formats and the rules JSON Schema cannot state.
# Runs the built API on the embedded default with its demo key. Needs `npm run build` first.
# One worker: Python 3.11 can fail with "AST constructor recursion depth mismatch" when two threads parse at once.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT="${FUZZ_PORT:-3999}"
EXAMPLES="${FUZZ_MAX_EXAMPLES:-25}"
SEED="${FUZZ_SEED:-20261125}"
command -v st >/dev/null 2>&1 || python3 -m pip install --quiet 'schemathesis>=4,<5'
log="$(mktemp)"
# The embedded default, whatever the calling shell exports: it prints a demo key, and fuzzing cannot touch real data.
env -u DATABASE_URL -u MONGODB_URL -u ELASTICSEARCH_URL -u REDIS_URL -u RABBITMQ_URL -u PGLITE_DATA_DIR \
  PORT="$PORT" DEMO_CONSUMERS=50 RATE_LIMIT_PER_MINUTE=1000000 LOG_LEVEL=warn \
  TS_NODE_BASEURL=./dist node -r tsconfig-paths/register dist/apps/api/src/main.js >"$log" 2>&1 &
api=$!
trap 'kill "$api" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q 'Demo API key' "$log" && break; sleep 0.5; done
key="$(grep -o 'cak_[0-9a-f]\{16\}_[A-Za-z0-9_-]\{43\}' "$log" | head -1 || true)"
[ -n "$key" ] || { cat "$log"; echo "the API did not start"; exit 1; }
# schemathesis's report is kept in a file and printed in full only when it fails: it ends on a pytest-style
# "=== 1 warning in 21s ===" footer which, as the last test-like line of a CI log, reads as "pytest ran no test".
report="${FUZZ_REPORT:-$(mktemp)}"
set +e
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="scripts/ci${PYTHONPATH:+:$PYTHONPATH}" \
st run openapi/openapi.json --url "http://127.0.0.1:$PORT" \
  -H "X-Api-Key: $key" -H "X-Purpose: CREDIT_GRANTING" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful --max-examples "$EXAMPLES" --seed "$SEED" \
  --request-timeout 10 --workers 1 >"$report" 2>&1
status=$?
set -e
cases="$(grep -Eo '[0-9]+ generated, [0-9]+ passed[^|]*' "$report" | tail -1 || true)"
if [ "$status" -ne 0 ]; then
  cat "$report"
  echo "schemathesis: FAILED (exit $status) ${cases}"
  exit "$status"
fi
[ -n "$cases" ] || { cat "$report"; echo "schemathesis: no test case was generated"; exit 1; }
links="$(grep -Eo 'API Links: +[^(]*' "$report" | tail -1 | sed 's/  */ /g' || true)"
took="$(grep -Eo 'in [0-9.]+s =+$' "$report" | tail -1 | grep -Eo '[0-9.]+s' || true)"
echo "schemathesis: every operation in openapi/openapi.json fuzzed with all checks and the stateful phase;" \
  "test cases: ${cases}; ${links}; ${took}"
