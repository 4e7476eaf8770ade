#!/usr/bin/env bash
# The servers a test run needs, shared by overlapping test runs (`acquire <pid> [name...]` takes a lease, `release
# <pid>` drops it) and stopped by the last one out; README.md here, "Test runs". Servers that answered before a test
# run started them are never stopped here: they belong to whoever started them.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SERVICES_DIR="${SERVICES_DIR:-$REPO_ROOT/.services}"
mkdir -p "$SERVICES_DIR/test-leases"
STARTED="$SERVICES_DIR/test-started"
ALL_SERVICES=(postgres redis rabbitmq ferretdb elasticsearch)
# The integration suites also need Prometheus (test/observability), which services.sh starts only when named.
KNOWN_SERVICES=("${ALL_SERVICES[@]}" prometheus)

log() { printf '[test servers] %s\n' "$*"; }

# services.sh without this script's lock descriptor: the servers it starts must not inherit (and keep holding) it.
services() { bash "$SCRIPT_DIR/services.sh" "$@" 8>&-; }

# in_order <name>...: the names in services.sh's order (FerretDB after the PostgreSQL it stores into).
in_order() {
  local s n
  for s in "${KNOWN_SERVICES[@]}"; do for n in "$@"; do [[ "$n" == "$s" ]] && echo "$s"; done; done | uniq
}

live_leases() {
  local lease pid
  for lease in "$SERVICES_DIR"/test-leases/*; do
    [[ -e "$lease" ]] || continue
    pid="$(basename "$lease")"
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; else rm -f "$lease"; fi
  done
}

acquire() {
  local pid="$1" s
  shift
  local wanted=("$@") missing=()
  [[ ${#wanted[@]} -gt 0 ]] || wanted=("${ALL_SERVICES[@]}")
  # FerretDB keeps its documents in the PostgreSQL that services.sh runs.
  [[ " ${wanted[*]} " == *" ferretdb "* ]] && wanted+=(postgres)
  mapfile -t wanted < <(in_order "${wanted[@]}")
  for s in "${wanted[@]}"; do
    services status "$s" >/dev/null 2>&1 || missing+=("$s")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "reusing the running servers: ${wanted[*]}"
  else
    log "starting ${missing[*]} for the integration suites (the first time, services.sh installs them: see README)"
    # Recorded before they start: a run killed half way still leaves them to be stopped by the next one.
    { cat "$STARTED" 2>/dev/null || true; printf '%s\n' "${missing[@]}"; } | sort -u >"$STARTED.tmp"
    mv "$STARTED.tmp" "$STARTED"
    services up "${missing[@]}"
  fi
  : >"$SERVICES_DIR/test-leases/$pid"
}

release() {
  local pid="$1"
  rm -f "$SERVICES_DIR/test-leases/$pid"
  if [[ -n "$(live_leases)" ]]; then
    log "another test run still uses the servers; leaving them running"
    return 0
  fi
  [[ -s "$STARTED" ]] || return 0
  local started
  mapfile -t started < <(in_order $(cat "$STARTED"))
  log "stopping what test runs started: ${started[*]}"
  services down "${started[@]}"
  rm -f "$STARTED"
}

main() {
  local cmd="${1:-}" pid="${2:-}"
  [[ "$cmd" == acquire || "$cmd" == release ]] && [[ "$pid" =~ ^[0-9]+$ ]] || {
    echo "usage: $(basename "$0") acquire|release <pid> [name...]" >&2
    exit 2
  }
  shift 2
  # One test run at a time decides what to start or stop (services.sh's own lock covers single commands only).
  exec 8>"$SERVICES_DIR/.test-servers.lock"
  flock -w 900 8 || { echo "[test servers] another test run holds $SERVICES_DIR/.test-servers.lock" >&2; exit 1; }
  "$cmd" "$pid" "$@"
}

main "$@"
