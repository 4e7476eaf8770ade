#!/usr/bin/env bash
# Install, start, stop and check the real servers this project talks to, without Docker (commands: usage below).
# Every server listens on 127.0.0.1 only. All data lives under $SERVICES_DIR (default <repo>/.services), built
# artefacts under $SERVICES_CACHE_DIR (default $SERVICES_DIR/cache), which `down` never removes. See README.md here.
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

SERVICES_DIR="${SERVICES_DIR:-$REPO_ROOT/.services}"
mkdir -p "$SERVICES_DIR"
SERVICES_DIR="$(cd "$SERVICES_DIR" && pwd)"
SERVICES_CACHE_DIR="${SERVICES_CACHE_DIR:-$SERVICES_DIR/cache}"
mkdir -p "$SERVICES_CACHE_DIR"
SERVICES_CACHE_DIR="$(cd "$SERVICES_CACHE_DIR" && pwd)"
SERVICES_TIMEOUT="${SERVICES_TIMEOUT:-180}" # seconds to wait for one server to answer

ALL_SERVICES=(postgres redis rabbitmq ferretdb elasticsearch)
# Started only when named: what the apps need is the five above; Prometheus watches them.
OPTIONAL_SERVICES=(prometheus)

# Ports can be moved (e.g. to run a second, isolated set next to the first one); env.sh follows them.
PG_PORT="${SERVICES_PG_PORT:-5432}"
PG_APP_USER=credit
PG_APP_PASSWORD=credit
PG_DATABASES=(credit credit_test ferretdb)
REDIS_PORT="${SERVICES_REDIS_PORT:-6379}"
RABBITMQ_PORT="${SERVICES_RABBITMQ_PORT:-5672}"
RABBITMQ_MGMT_PORT="${SERVICES_RABBITMQ_MGMT_PORT:-15672}"
if [[ "$RABBITMQ_PORT" == 5672 ]]; then RABBITMQ_NODE=rabbit@localhost; else RABBITMQ_NODE="rabbit-$RABBITMQ_PORT@localhost"; fi
FERRETDB_VERSION=v1.24.2
FERRETDB_PORT="${SERVICES_FERRETDB_PORT:-27017}"
FERRETDB_DEBUG_ADDR="${SERVICES_FERRETDB_DEBUG_ADDR:--}" # "-" disables FerretDB's metrics/pprof listener
ES_VERSION=8.19.0
ES_PORT="${SERVICES_ES_PORT:-9200}"
ES_OS_USER=elasticsearch
PROM_PORT="${SERVICES_PROMETHEUS_PORT:-9090}"

export DEBIAN_FRONTEND=noninteractive

if [[ $EUID -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
CURRENT_USER="$(id -un)"

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
log() { printf '[services] %s\n' "$*"; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  exit 1
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

TIMINGS=()
# timed "<label>" cmd args...: run a step, print and remember how long it took
timed() {
  local label="$1" t0 secs
  shift
  t0="$(now)"
  "$@"
  secs="$(elapsed "$t0")"
  log "$label: ${secs}s"
  TIMINGS+=("$(printf '%-28s %7ss' "$label" "$secs")")
}

print_timings() {
  [[ ${#TIMINGS[@]} -gt 0 ]] || return 0
  log "timings:"
  local line
  for line in "${TIMINGS[@]}"; do printf '    %s\n' "$line"; done
}

# run_as <user> cmd...: run a command as another OS user when root, directly otherwise
run_as() {
  local user="$1"
  shift
  if [[ $EUID -eq 0 && "$user" != root ]]; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# port_open <port>: true when something accepts TCP connections on 127.0.0.1:<port>
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_running <pid>: the process exists and is not a zombie (some container inits never reap them)
pid_running() {
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
  [[ "$state" != Z ]]
}

# pid_alive <pidfile>
pid_alive() {
  [[ -s "$1" ]] || return 1
  pid_running "$(tr -dc '0-9' <"$1")"
}

# kill_pid <pid> <name> [seconds]: SIGTERM, wait, then SIGKILL
kill_pid() {
  local pid="$1" name="$2" secs="${3:-30}" i
  pid_running "$pid" || return 0
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    pid_running "$pid" || return 0
    sleep 0.1
  done
  warn "$name (pid $pid) did not stop after ${secs}s, sending SIGKILL"
  kill -9 "$pid" 2>/dev/null || true
}

# kill_pidfile <pidfile> <name> [seconds]
kill_pidfile() {
  if pid_alive "$1"; then kill_pid "$(tr -dc '0-9' <"$1")" "$2" "${3:-30}"; fi
  rm -f "$1"
}

# stop_pidfile <pidfile> <name> <seconds>: stop a server this script started in the background, saying so
stop_pidfile() {
  if pid_alive "$1"; then
    kill_pidfile "$1" "$2" "$3"
    log "$2: stopped"
  fi
  rm -f "$1"
}

# show_log_tail <file>...: print the end of the first existing log files (for failure reports)
show_log_tail() {
  local f
  for f in "$@"; do
    if [[ -f "$f" ]]; then
      printf '[services] ---- last lines of %s ----\n' "$f" >&2
      tail -n 25 "$f" | cut -c1-400 >&2 || true
      printf '[services] ----\n' >&2
    fi
  done
}

# await_ready <name>...: poll every named server (ready_<name>: 0 = answers, 1 = not yet, 2 = failed)
# side by side until all answer; then run its after_ready_<name> hook if any. Records in READY_AT[name]
# the time it answered; on timeout or failure prints the tail of the server's logs (logs_<name>).
declare -A READY_AT=()
await_ready() {
  local pending=("$@") failed=() s rc next
  local deadline=$((SECONDS + SERVICES_TIMEOUT))
  while [[ ${#pending[@]} -gt 0 ]]; do
    next=()
    for s in "${pending[@]}"; do
      rc=0
      "ready_$s" || rc=$?
      if [[ $rc -eq 0 ]]; then
        READY_AT[$s]="$(now)"
        if declare -F "after_ready_$s" >/dev/null && ! "after_ready_$s"; then failed+=("$s"); fi
      elif [[ $rc -ge 2 ]]; then
        printf '[services] ERROR: %s failed to start\n' "$s" >&2
        failed+=("$s")
      elif ((SECONDS >= deadline)); then
        printf '[services] ERROR: %s did not answer within %ss\n' "$s" "$SERVICES_TIMEOUT" >&2
        failed+=("$s")
      else
        next+=("$s")
      fi
    done
    pending=("${next[@]}")
    [[ ${#pending[@]} -eq 0 ]] || sleep 0.3
  done
  for s in "${failed[@]}"; do
    # shellcheck disable=SC2046
    show_log_tail $("logs_$s")
  done
  [[ ${#failed[@]} -eq 0 ]] || die "not answering: ${failed[*]} (log excerpts above; timeout SERVICES_TIMEOUT=${SERVICES_TIMEOUT}s)"
}

# ensure_port_free <port> <name>: refuse to start when a foreign process already holds the port
ensure_port_free() {
  if port_open "$1"; then
    local holder=""
    if command -v ss >/dev/null 2>&1; then holder="$(ss -ltnpH "sport = :$1" 2>/dev/null | head -n 3)"; fi
    die "port $1 is already in use but $2 (ours) does not answer there; stop the other process first${holder:+:
$holder}"
  fi
}

# traversable_for <user> <dir>: make every parent of <dir> searchable (o+x) for a service user
traversable_for() {
  local user="$1" dir="$2"
  [[ $EUID -eq 0 && "$user" != root ]] || return 0
  local d="$dir"
  while [[ "$d" != / && -n "$d" ]]; do
    if ! runuser -u "$user" -- test -x "$d" 2>/dev/null; then
      log "chmod o+x $d (so that $user can reach $dir)"
      chmod o+x "$d"
    fi
    d="$(dirname "$d")"
  done
}

APT_UPDATED=0
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# apt_ensure <package>...: install missing Debian packages (apt-get update at most once per run)
apt_ensure() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get on this machine"
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    "${SUDO[@]}" apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
}

# stop_distro_service <unit>: a freshly installed package may start its own system instance on the
# same port (on machines without policy-rc.d); stop and disable it, we run our own instance.
stop_distro_service() {
  local unit="$1"
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$unit" 2>/dev/null; then
    log "stopping and disabling the system's $unit service (this script runs its own instance)"
    "${SUDO[@]}" systemctl disable --now "$unit" >/dev/null 2>&1 || true
  fi
}

java17_home() {
  local h
  for h in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/java-17-openjdk; do
    [[ -x "$h/bin/java" ]] && {
      echo "$h"
      return
    }
  done
  if command -v java >/dev/null 2>&1; then
    h="$(readlink -f "$(command -v java)")"
    echo "${h%/bin/java}"
  fi
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: project-local cluster, run as the `postgres` OS user (the current user when not root)
# ---------------------------------------------------------------------------------------------
PG_DIR="$SERVICES_DIR/postgres"
PG_DATA="$PG_DIR/data"
PG_LOG="$PG_DIR/postgres.log"
PG_SOCKET_DIR="$PG_DIR/run"
if [[ $EUID -eq 0 ]]; then PG_OS_USER=postgres; else PG_OS_USER="$CURRENT_USER"; fi

# the newest /usr/lib/postgresql/<version>/bin (Debian keeps initdb and pg_ctl off PATH)
PG_BIN=""
pg_bin() {
  if [[ -z "$PG_BIN" ]]; then
    PG_BIN="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    [[ -x "$PG_BIN/pg_ctl" ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
  fi
  echo "$PG_BIN"
}

install_postgres() {
  local fresh=0
  pkg_installed postgresql || fresh=1
  apt_ensure postgresql
  if [[ $fresh -eq 1 ]]; then stop_distro_service postgresql; fi
}

pg_psql_admin() { run_as "$PG_OS_USER" "$(pg_bin)/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"; }

pg_answers() {
  "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null || return 1
  PGPASSWORD="$PG_APP_PASSWORD" "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_APP_USER" -d credit -qAtX -c 'select 1' >/dev/null 2>&1
}
pg_databases_answer() {
  local db
  for db in "${PG_DATABASES[@]}"; do
    PGPASSWORD="$PG_APP_PASSWORD" "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_APP_USER" -d "$db" -qAtX \
      -c 'select 1' >/dev/null 2>&1 || return 1
  done
}
pg_server_answers() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }

pg_bootstrap() {
  pg_psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_APP_USER') THEN
    CREATE ROLE $PG_APP_USER LOGIN CREATEDB PASSWORD '$PG_APP_PASSWORD';
  ELSE
    ALTER ROLE $PG_APP_USER LOGIN CREATEDB PASSWORD '$PG_APP_PASSWORD';
  END IF;
END \$\$;
SQL
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [[ -z "$(pg_psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
      pg_psql_admin -c "CREATE DATABASE $db OWNER $PG_APP_USER" >/dev/null
    fi
  done
}

start_postgres() {
  local bin
  bin="$(pg_bin)"
  # A server that already answers as ours (another checkout's, or a packaged one set up alike) is reused as is,
  # like the other four: initdb here would only find the port taken.
  if pg_answers; then
    log "postgres: already running"
    return 0
  fi
  mkdir -p "$PG_DIR" "$PG_SOCKET_DIR"
  if [[ $EUID -eq 0 ]]; then
    chown "$PG_OS_USER:" "$PG_DIR" "$PG_SOCKET_DIR"
    traversable_for "$PG_OS_USER" "$PG_DIR"
  fi
  if [[ ! -s "$PG_DATA/PG_VERSION" ]]; then
    log "postgres: initdb $PG_DATA"
    rm -rf "$PG_DATA"
    local locale=C
    locale -a 2>/dev/null | grep -qix 'c.utf-\?8' && locale=C.UTF-8
    run_as "$PG_OS_USER" "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale="$locale" \
      --auth-local=peer --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 ||
      {
        show_log_tail "$PG_DIR/initdb.log"
        die "postgres: initdb failed"
      }
    cat >>"$PG_DATA/postgresql.conf" <<CONF

# --- added by scripts/services/services.sh ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
CONF
  fi
  if run_as "$PG_OS_USER" "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "postgres: already running"
  else
    ensure_port_free "$PG_PORT" postgres
    run_as "$PG_OS_USER" "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -W start >/dev/null 9>&-
  fi
}

ready_postgres() { pg_server_answers; }
logs_postgres() { echo "$PG_LOG"; }
# once the server accepts connections: make sure role and databases exist (idempotent) and that the
# application role logs in over TCP with its password
after_ready_postgres() {
  pg_databases_answer && return 0 # a reused server already has them, and its admin socket may be elsewhere
  if ! pg_bootstrap; then
    echo "[services] ERROR: postgres: creating role/databases failed" >&2
    return 1
  fi
  pg_answers || {
    echo "[services] ERROR: postgres: $PG_APP_USER cannot log in to database credit over TCP" >&2
    return 1
  }
}

down_postgres() {
  [[ -s "$PG_DATA/PG_VERSION" ]] || return 0
  local bin
  bin="$(pg_bin)"
  if run_as "$PG_OS_USER" "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    run_as "$PG_OS_USER" "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    log "postgres: stopped"
  fi
}

status_postgres() { pg_answers; }

# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------
REDIS_DIR="$SERVICES_DIR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"

install_redis() {
  local fresh=0
  pkg_installed redis-server || fresh=1
  apt_ensure redis-server redis-tools
  if [[ $fresh -eq 1 ]]; then stop_distro_service redis-server; fi
}

redis_answers() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

start_redis() {
  mkdir -p "$REDIS_DIR"
  if redis_answers; then
    log "redis: already running"
    return 0
  fi
  ensure_port_free "$REDIS_PORT" redis
  # Append-only file: the audit journal of cached reads lives here until it reaches PostgreSQL (docs/architecture.md).
  # everysec: a crash of the process loses nothing written; a crash of the machine up to a second.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync "${REDIS_APPENDFSYNC:-everysec}" \
    --daemonize yes --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" --dir "$REDIS_DIR" 9>&-
}

ready_redis() { redis_answers; }
logs_redis() { echo "$REDIS_LOG"; }

down_redis() {
  if redis_answers; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    log "redis: stopped"
  fi
  kill_pidfile "$REDIS_PID" redis 10
}

status_redis() { redis_answers; }

# ---------------------------------------------------------------------------------------------
# RabbitMQ: node rabbit@localhost, everything (config, mnesia, logs, plugins file) under one folder
# ---------------------------------------------------------------------------------------------
RMQ_DIR="$SERVICES_DIR/rabbitmq"
RMQ_LOG_DIR="$RMQ_DIR/log"
RMQ_LOG="$RMQ_LOG_DIR/rabbit.log"
RMQ_STARTUP_LOG="$RMQ_LOG_DIR/startup.log"
RMQ_PID="$RMQ_DIR/rabbitmq.pid"
RMQ_BIN=/usr/lib/rabbitmq/bin
if [[ $EUID -eq 0 ]]; then RMQ_OS_USER=rabbitmq; else RMQ_OS_USER="$CURRENT_USER"; fi

install_rabbitmq() {
  local fresh=0
  pkg_installed rabbitmq-server || fresh=1
  apt_ensure rabbitmq-server
  if [[ $fresh -eq 1 ]]; then stop_distro_service rabbitmq-server; fi
}

# rmq_cmd <script>: set RMQ_CMD to the command line running a RabbitMQ script (rabbitmq-server,
# rabbitmqctl, rabbitmq-diagnostics) with our environment, as the rabbitmq OS user (its HOME holds the
# Erlang cookie that the server and the CLI tools share). The Debian wrappers in /usr/sbin would
# switch users themselves; calling the real scripts keeps the environment under our control.
rmq_cmd() { rmq_node_cmd "$RMQ_DIR" "$RABBITMQ_NODE" "$RABBITMQ_PORT" "$1"; }

# rmq_node_cmd <dir> <node> <port> <script>: the same for any node (the cluster profile runs three), its files in <dir>
rmq_node_cmd() {
  local dir="$1" node="$2" port="$3" script="$4" home
  if [[ $EUID -eq 0 ]]; then home="$(getent passwd "$RMQ_OS_USER" | cut -d: -f6)"; else home="$HOME"; fi
  RMQ_CMD=()
  if [[ $EUID -eq 0 ]]; then RMQ_CMD=(runuser -u "$RMQ_OS_USER" --); fi
  RMQ_CMD+=(env
    HOME="$home"
    RABBITMQ_NODENAME="$node"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$port"
    RABBITMQ_DIST_PORT="$((port + 20000))" # RabbitMQ's own convention (25672 for 5672)
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$dir/mnesia"
    RABBITMQ_LOG_BASE="$dir/log"
    RABBITMQ_LOGS="$dir/log/rabbit.log"
    RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
    ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    "$RMQ_BIN/$script")
}

# rmq_write_config <dir> <port> <management port>: the node's own config, plugins and folders, owned by its OS user
rmq_write_config() {
  local dir="$1" port="$2" mgmt="$3"
  mkdir -p "$dir" "$dir/log" "$dir/mnesia"
  cat >"$dir/rabbitmq.conf" <<CONF
# written by scripts/services/services.sh
listeners.tcp.default = 127.0.0.1:$port
management.tcp.ip = 127.0.0.1
management.tcp.port = $mgmt
loopback_users.guest = true
log.console = false
CONF
  echo '[rabbitmq_management].' >"$dir/enabled_plugins"
  : >"$dir/rabbitmq-env.conf"
  if [[ $EUID -eq 0 ]]; then
    chown -R "$RMQ_OS_USER:" "$dir"
    traversable_for "$RMQ_OS_USER" "$dir"
  fi
}

rmq_answers() {
  port_open "$RABBITMQ_PORT" || return 1
  rmq_cmd rabbitmq-diagnostics
  # From / when this folder has no RabbitMQ yet: a node another folder started still answers, and must count as up.
  (cd "$RMQ_DIR" 2>/dev/null || cd /; timeout 30 "${RMQ_CMD[@]}" -q check_port_connectivity >/dev/null 2>&1)
}
rmq_alive() { port_open "$RABBITMQ_PORT" && port_open "$RABBITMQ_MGMT_PORT"; }

start_rabbitmq() {
  [[ -x "$RMQ_BIN/rabbitmq-server" ]] || die "rabbitmq: $RMQ_BIN/rabbitmq-server not found (run install)"
  rmq_write_config "$RMQ_DIR" "$RABBITMQ_PORT" "$RABBITMQ_MGMT_PORT"
  if rmq_answers; then
    log "rabbitmq: already running"
    return 0
  fi
  ensure_port_free "$RABBITMQ_PORT" rabbitmq
  ensure_port_free "$RABBITMQ_MGMT_PORT" "rabbitmq management"
  : >"$RMQ_STARTUP_LOG"
  rmq_cmd rabbitmq-server
  (cd "$RMQ_DIR" && exec setsid nohup "${RMQ_CMD[@]}" >>"$RMQ_STARTUP_LOG" 2>&1 </dev/null 9>&-) &
}

ready_rabbitmq() { rmq_answers; }
logs_rabbitmq() { echo "$RMQ_STARTUP_LOG $RMQ_LOG"; }

down_rabbitmq() {
  [[ -d "$RMQ_DIR" ]] || return 0
  if port_open "$RABBITMQ_PORT" || pid_alive "$RMQ_PID"; then
    rmq_cmd rabbitmqctl
    if (cd "$RMQ_DIR" && timeout 90 "${RMQ_CMD[@]}" -q stop "$RMQ_PID" >/dev/null 2>&1); then
      log "rabbitmq: stopped"
    else
      warn "rabbitmqctl stop failed; killing the pidfile's process"
    fi
  fi
  kill_pidfile "$RMQ_PID" rabbitmq 30
}

status_rabbitmq() { rmq_alive && rmq_answers; }

# ---------------------------------------------------------------------------------------------
# FerretDB (MongoDB wire protocol, PostgreSQL backend), built from the Go module proxy
# ---------------------------------------------------------------------------------------------
FERRET_DIR="$SERVICES_DIR/ferretdb"
FERRET_PID="$FERRET_DIR/ferretdb.pid"
FERRET_LOG="$FERRET_DIR/ferretdb.log"
FERRET_BIN="$SERVICES_CACHE_DIR/bin/ferretdb-$FERRETDB_VERSION"
GO_TOOLCHAIN_VERSION=1.24.3 # the toolchain FerretDB v1.24.2's go.mod names

# go_cmd: print the go binary to build with. A go >= 1.21 on PATH is used with GOTOOLCHAIN=auto (it
# fetches the go1.24 toolchain FerretDB needs by itself); otherwise (no Go, or Debian 12's go 1.19) the
# toolchain module golang.org/toolchain is fetched from the Go module proxy, as `go` itself would do.
go_cmd() {
  local v
  if command -v go >/dev/null 2>&1; then
    v="$(go env GOVERSION 2>/dev/null || true)" # e.g. go1.26.8
    v="${v#go}"
    if [[ "$v" =~ ^1\.([0-9]+) ]] && ((BASH_REMATCH[1] >= 21)); then
      command -v go
      return
    fi
  fi
  local root="$SERVICES_CACHE_DIR/go$GO_TOOLCHAIN_VERSION"
  if [[ ! -x "$root/bin/go" ]]; then
    local arch proxy mod tmp
    case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "ferretdb: no Go on PATH and no Go toolchain for $(uname -m)" ;;
    esac
    proxy="${GOPROXY:-https://proxy.golang.org}"
    proxy="${proxy%%[,|]*}"
    [[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
    mod="v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-$arch"
    tmp="$SERVICES_CACHE_DIR/go-toolchain.tmp"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    log "ferretdb: no usable Go on PATH; fetching golang.org/toolchain@$mod from $proxy" >&2
    curl -fsSL --retry 3 -o "$tmp/toolchain.zip" "$proxy/golang.org/toolchain/@v/$mod.zip" ||
      die "ferretdb: could not download the Go toolchain"
    unzip -q "$tmp/toolchain.zip" -d "$tmp"
    # module zips keep no file modes
    chmod -R u+rwX,go+rX "$tmp/golang.org/toolchain@$mod"
    chmod +x "$tmp/golang.org/toolchain@$mod/bin/"* "$tmp/golang.org/toolchain@$mod/pkg/tool/"*/*
    rm -rf "$root"
    mv "$tmp/golang.org/toolchain@$mod" "$root"
    rm -rf "$tmp"
  fi
  echo "$root/bin/go"
}

install_ferretdb() {
  if [[ -x "$FERRET_BIN" ]]; then
    log "ferretdb: $FERRET_BIN already built"
    return 0
  fi
  local mod="github.com/FerretDB/FerretDB@$FERRETDB_VERSION" moddir src go
  go="$(go_cmd)"
  export GOTOOLCHAIN=auto GOFLAGS=-buildvcs=false CGO_ENABLED=0
  log "ferretdb: $go mod download $mod"
  moddir="$(cd "$SERVICES_CACHE_DIR" && "$go" mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$moddir" && -d "$moddir" ]] || die "ferretdb: go mod download did not report a module folder"
  # The module lacks the generated build/version/version.txt (the binary panics at start without it),
  # and the module cache is read-only: build from a writable copy.
  src="$SERVICES_CACHE_DIR/src/ferretdb-$FERRETDB_VERSION"
  rm -rf "$src"
  mkdir -p "$(dirname "$src")" "$(dirname "$FERRET_BIN")"
  cp -R "$moddir" "$src"
  chmod -R u+w "$src"
  printf '%s\n' "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  log "ferretdb: go build (about a minute the first time; output in $SERVICES_CACHE_DIR/ferretdb-build.log)"
  # -buildvcs=false (GOFLAGS): the copy sits inside this git repository, whose state must not be stamped
  if ! (cd "$src" && "$go" build -trimpath -o "$FERRET_BIN.tmp" ./cmd/ferretdb) \
    >"$SERVICES_CACHE_DIR/ferretdb-build.log" 2>&1; then
    show_log_tail "$SERVICES_CACHE_DIR/ferretdb-build.log"
    die "ferretdb: go build failed"
  fi
  mv "$FERRET_BIN.tmp" "$FERRET_BIN"
  rm -rf "$src"
  rmdir "$(dirname "$src")" 2>/dev/null || true
}

# ferret_ping: a real OP_MSG {ping: 1} round trip when node is present, a TCP connect otherwise
ferret_ping() {
  if ! command -v node >/dev/null 2>&1; then
    port_open "$FERRETDB_PORT" && grep -q 'Listening on' "$FERRET_LOG" 2>/dev/null
    return
  fi
  # shellcheck disable=SC2016 # JavaScript, not shell
  FERRET_PORT="$FERRETDB_PORT" node -e '
    const net = require("net");
    const cstr = (s) => Buffer.from(s + "\0", "latin1");
    const i32 = (n) => { const b = Buffer.alloc(4); b.writeInt32LE(n); return b; };
    const body = Buffer.concat([Buffer.from([0x10]), cstr("ping"), i32(1),
      Buffer.from([0x02]), cstr("$db"), i32(6), cstr("admin"), Buffer.from([0])]);
    const doc = Buffer.concat([i32(body.length + 4), body]);
    const payload = Buffer.concat([i32(0), Buffer.from([0]), doc]);
    const msg = Buffer.concat([i32(16 + payload.length), i32(1), i32(0), i32(2013), payload]);
    const sock = net.connect(Number(process.env.FERRET_PORT), "127.0.0.1", () => sock.write(msg));
    let buf = Buffer.alloc(0);
    const fail = () => process.exit(1);
    sock.setTimeout(3000, fail); sock.on("error", fail);
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
      const at = buf.indexOf(Buffer.from([0x01, 0x6f, 0x6b, 0x00]), 21); // double "ok"
      process.exit(at > 0 && buf.readDoubleLE(at + 4) === 1 ? 0 : 1);
    });' 2>/dev/null
}

start_ferretdb() {
  [[ -x "$FERRET_BIN" ]] || die "ferretdb: $FERRET_BIN missing (run install)"
  mkdir -p "$FERRET_DIR/data"
  if ferret_ping; then # ours, or another checkout's on the same port: either serves
    log "ferretdb: already running"
    return 0
  fi
  ensure_port_free "$FERRETDB_PORT" ferretdb
  # FerretDB keeps its documents in our PostgreSQL, not in SQLite, where a lookup by an indexed field is a scan
  # (docs/architecture.md). PostgreSQL must be up.
  for _ in $(seq 1 150); do pg_server_answers && break; sleep 0.2; done
  pg_server_answers || die "ferretdb stores its data in PostgreSQL: start postgres first (services.sh up postgres ferretdb)"
  pg_bootstrap # idempotent: the ferretdb database and its owner exist before FerretDB connects
  (cd "$FERRET_DIR" && exec setsid nohup "$FERRET_BIN" --handler=postgresql \
    --postgresql-url="postgres://$PG_APP_USER:$PG_APP_PASSWORD@127.0.0.1:$PG_PORT/ferretdb" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" --telemetry=disable --state-dir="$FERRET_DIR" --debug-addr="$FERRETDB_DEBUG_ADDR" \
    >>"$FERRET_LOG" 2>&1 </dev/null 9>&-) &
  echo $! >"$FERRET_PID"
}

ready_ferretdb() {
  ferret_ping && return 0
  # the process is gone: no point in waiting
  if [[ -s "$FERRET_PID" ]] && ! pid_alive "$FERRET_PID"; then return 2; fi
  return 1
}
logs_ferretdb() { echo "$FERRET_LOG"; }

down_ferretdb() { stop_pidfile "$FERRET_PID" ferretdb 15; }

status_ferretdb() { ferret_ping; }

# ---------------------------------------------------------------------------------------------
# Elasticsearch 8.19 (integ-test-zip from Maven Central), run as a non-root system user
# ---------------------------------------------------------------------------------------------
ES_HOME="$SERVICES_CACHE_DIR/elasticsearch-$ES_VERSION"
ES_ZIP="$SERVICES_CACHE_DIR/elasticsearch-$ES_VERSION.zip"
ES_DIR="$SERVICES_DIR/elasticsearch"
ES_PID="$ES_DIR/elasticsearch.pid"
ES_STARTUP_LOG="$ES_DIR/startup.log"
ES_LOG="$ES_DIR/logs/credit-dev.log"
ES_LAUNCH_RC="$ES_DIR/launcher.rc"
if [[ $EUID -eq 0 ]]; then ES_RUN_USER="$ES_OS_USER"; else ES_RUN_USER="$CURRENT_USER"; fi

install_elasticsearch() {
  local java_home
  java_home="$(java17_home)"
  if [[ -z "$java_home" ]] || ! command -v mvn >/dev/null 2>&1; then
    apt_ensure openjdk-17-jdk-headless maven
  fi
  command -v unzip >/dev/null 2>&1 || apt_ensure unzip
  if [[ ! -s "$ES_ZIP" ]]; then
    log "elasticsearch: mvn dependency:copy (about 97 MB)"
    local tmp="$SERVICES_CACHE_DIR/es-download.tmp"
    rm -rf "$tmp"
    if ! mvn -q -B -Dstyle.color=never dependency:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$tmp" >"$SERVICES_CACHE_DIR/es-download.log" 2>&1; then
      show_log_tail "$SERVICES_CACHE_DIR/es-download.log"
      die "elasticsearch: mvn dependency:copy failed"
    fi
    mv "$tmp/elasticsearch-$ES_VERSION.zip" "$ES_ZIP"
    rm -rf "$tmp"
  else
    log "elasticsearch: $ES_ZIP already downloaded"
  fi
  if [[ ! -x "$ES_HOME/bin/elasticsearch" ]]; then
    log "elasticsearch: unzip"
    local tmp="$SERVICES_CACHE_DIR/es-unzip.tmp"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    unzip -q "$ES_ZIP" -d "$tmp"
    rm -rf "$ES_HOME"
    mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf "$tmp"
  else
    log "elasticsearch: $ES_HOME already unpacked"
  fi
  if [[ $EUID -eq 0 ]]; then
    if ! id -u "$ES_OS_USER" >/dev/null 2>&1; then
      log "elasticsearch: creating system user $ES_OS_USER"
      useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_OS_USER"
    fi
    # Elasticsearch writes its keystore into config/ on first start: the user must own the distribution
    if [[ "$(stat -c %U "$ES_HOME/config")" != "$ES_OS_USER" ]]; then chown -R "$ES_OS_USER:" "$ES_HOME"; fi
  fi
}

# es_pid: the pid of our Elasticsearch node: from its pid file, or else the java process holding files
# in our data folder (the pid file appears only late in start-up)
es_pid() { es_pid_of "$ES_DIR" "$ES_PID"; }

# es_pid_of <node dir> <pid file>: the same for any node (the cluster profile runs three)
es_pid_of() {
  if pid_alive "$2"; then
    tr -dc '0-9' <"$2"
    return 0
  fi
  local p
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/exe" 2>/dev/null)" == */bin/java ]] || continue
    if find "$p/fd" -maxdepth 1 -lname "$1/data/*" 2>/dev/null | grep -q . && pid_running "${p#/proc/}"; then
      echo "${p#/proc/}"
      return 0
    fi
  done
  return 1
}

es_answers() { curl -s -m 5 "http://127.0.0.1:$ES_PORT/_cluster/health" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'; }

start_elasticsearch() {
  [[ -x "$ES_HOME/bin/elasticsearch" ]] || die "elasticsearch: $ES_HOME missing (run install)"
  es_prepare_dir "$ES_DIR"
  if es_answers; then
    log "elasticsearch: already running"
    return 0
  fi
  if es_pid >/dev/null; then
    log "elasticsearch: already starting (pid $(es_pid))"
    return 0
  fi
  ensure_port_free "$ES_PORT" elasticsearch
  es_launch "$ES_DIR" 512m -Ecluster.name=credit-dev -Enode.name=credit-dev-1 -Ediscovery.type=single-node \
    -Ehttp.port="$ES_PORT"
}

# es_prepare_dir <node dir>: data, logs and temp folders, owned by the user the node runs as
es_prepare_dir() {
  mkdir -p "$1/data" "$1/logs" "$1/tmp"
  if [[ $EUID -eq 0 ]]; then
    chown -R "$ES_RUN_USER:" "$1"
    traversable_for "$ES_RUN_USER" "$1"
    traversable_for "$ES_RUN_USER" "$ES_HOME"
  fi
}

# es_launch <node dir> <heap> -Esetting...: starts a node of the unpacked distribution, its files in <node dir>
# (elasticsearch.pid, startup.log, logs/, data/). -d: the launcher forks the server and returns once the node has
# started (or failed); it runs in the background so that other servers start meanwhile, and leaves its exit code
# in <node dir>/launcher.rc.
es_launch() {
  local dir="$1" heap="$2" java_home
  shift 2
  java_home="$(java17_home)"
  [[ -n "$java_home" ]] || die "elasticsearch: no Java 17 found"
  es_prepare_dir "$dir"
  rm -f "$dir/elasticsearch.pid" "$dir/launcher.rc"
  : >"$dir/startup.log"
  (
    rc=0
    cd "$ES_HOME" && run_as "$ES_RUN_USER" env HOME="$dir" ES_JAVA_HOME="$java_home" \
    ES_JAVA_OPTS="-Xms$heap -Xmx$heap" ES_TMPDIR="$dir/tmp" \
    "$ES_HOME/bin/elasticsearch" -d -p "$dir/elasticsearch.pid" \
    -Expack.security.enabled=false -Enetwork.host=127.0.0.1 -Ehttp.host=127.0.0.1 \
    -Ecluster.routing.allocation.disk.threshold_enabled=false \
    -Epath.data="$dir/data" -Epath.logs="$dir/logs" "$@" \
    >>"$dir/startup.log" 2>&1 </dev/null || rc=$?
    echo "$rc" >"$dir/launcher.rc"
  ) >/dev/null 2>&1 9>&- 7>&- &
}

ready_elasticsearch() {
  es_answers && return 0
  # the launcher (bin/elasticsearch -d) exits non-zero when the node fails to start
  if [[ -s "$ES_LAUNCH_RC" && "$(cat "$ES_LAUNCH_RC")" != 0 ]] && ! es_pid >/dev/null; then return 2; fi
  return 1
}
logs_elasticsearch() { echo "$ES_STARTUP_LOG $ES_LOG"; }

down_elasticsearch() {
  local pid
  if pid="$(es_pid)"; then
    kill_pid "$pid" elasticsearch 60
    log "elasticsearch: stopped"
  fi
  rm -f "$ES_PID"
}

status_elasticsearch() { es_answers; }

# ---------------------------------------------------------------------------------------------
# Prometheus (optional profile, Debian's package): scrapes the apps listed in its targets folder and evaluates the
# repository's rules (ops/prometheus). `services.sh up prometheus`; not part of the default set.
# ---------------------------------------------------------------------------------------------
PROM_DIR="$SERVICES_DIR/prometheus"
PROM_PID="$PROM_DIR/prometheus.pid"
PROM_LOG="$PROM_DIR/prometheus.log"
PROM_TARGETS_DIR="$PROM_DIR/targets"
PROM_CONFIG="$PROM_DIR/prometheus.yml"

install_prometheus() {
  local fresh=0
  pkg_installed prometheus || fresh=1
  apt_ensure prometheus curl
  if [[ $fresh -eq 1 ]]; then stop_distro_service prometheus; fi
}

prom_answers() { curl -s -m 3 "http://127.0.0.1:$PROM_PORT/-/ready" 2>/dev/null | grep -q 'Ready'; }

# The repository's template with this checkout's rules folder and this services folder's targets folder filled in,
# and, the first time, a targets file for the apps on their usual local ports (npm run start:* with STATUS_PORTs).
prom_configure() {
  mkdir -p "$PROM_DIR/data" "$PROM_TARGETS_DIR"
  sed -e "s#@RULES_DIR@#$REPO_ROOT/ops/prometheus/rules#g" -e "s#@TARGETS_DIR@#$PROM_TARGETS_DIR#g" \
    "$REPO_ROOT/ops/prometheus/prometheus.yml" >"$PROM_CONFIG"
  if [[ ! -e "$PROM_TARGETS_DIR/local.json" ]]; then
    cat >"$PROM_TARGETS_DIR/local.json" <<JSON
[
  {"targets": ["127.0.0.1:3000"], "labels": {"app": "api"}},
  {"targets": ["127.0.0.1:9464"], "labels": {"app": "ingestion-worker"}},
  {"targets": ["127.0.0.1:9465"], "labels": {"app": "rating-worker"}}
]
JSON
  fi
}

start_prometheus() {
  if prom_answers; then
    log "prometheus: already running"
    return 0
  fi
  ensure_port_free "$PROM_PORT" prometheus
  prom_configure
  promtool check config "$PROM_CONFIG" >/dev/null || die "prometheus: $PROM_CONFIG does not pass promtool check config"
  (cd "$PROM_DIR" && exec setsid nohup prometheus --config.file="$PROM_CONFIG" --storage.tsdb.path="$PROM_DIR/data" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$PROM_PORT" --web.enable-lifecycle \
    >>"$PROM_LOG" 2>&1 </dev/null 9>&-) &
  echo $! >"$PROM_PID"
}

ready_prometheus() {
  prom_answers && return 0
  pid_alive "$PROM_PID" || return 2
  return 1
}
logs_prometheus() { echo "$PROM_LOG"; }

down_prometheus() { stop_pidfile "$PROM_PID" prometheus 20; }

status_prometheus() { prom_answers; }

# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------
address_of() {
  case "$1" in
  postgres) echo "127.0.0.1:$PG_PORT" ;;
  redis) echo "127.0.0.1:$REDIS_PORT" ;;
  rabbitmq) echo "127.0.0.1:$RABBITMQ_PORT (management 127.0.0.1:$RABBITMQ_MGMT_PORT)" ;;
  ferretdb) echo "127.0.0.1:$FERRETDB_PORT" ;;
  elasticsearch) echo "127.0.0.1:$ES_PORT" ;;
  prometheus) echo "127.0.0.1:$PROM_PORT (targets in $PROM_TARGETS_DIR)" ;;
  esac
}

cmd_install() {
  local s
  for s in "$@"; do timed "install $s" "install_$s"; done
}

# up: install, launch every server (slow starters first), then wait for all of them side by side.
# "start <name>" is the time from its launch until it answered.
# Readiness is polled cheapest check first (rabbitmq-diagnostics boots an Erlang VM).
START_ORDER=(rabbitmq elasticsearch postgres redis ferretdb prometheus)
POLL_ORDER=(postgres redis ferretdb elasticsearch rabbitmq prometheus)
cmd_up() {
  cmd_install "$@"
  local s wanted=() polled=()
  declare -A launched=()
  for s in "${START_ORDER[@]}"; do
    [[ " $* " == *" $s "* ]] && wanted+=("$s")
  done
  for s in "${POLL_ORDER[@]}"; do
    [[ " $* " == *" $s "* ]] && polled+=("$s")
  done
  for s in "${wanted[@]}"; do
    launched[$s]="$(now)"
    "start_$s"
  done
  await_ready "${polled[@]}"
  for s in "${wanted[@]}"; do
    TIMINGS+=("$(printf '%-28s %7ss' "start $s" \
      "$(awk -v a="${launched[$s]}" -v b="${READY_AT[$s]}" 'BEGIN { printf "%.1f", b - a }')")")
  done
}

cmd_down() {
  local s i
  # stop in reverse order
  for ((i = $# ; i >= 1; i--)); do
    s="${!i}"
    timed "stop $s" "down_$s"
  done
}

cmd_status() {
  local s rc=0
  for s in "$@"; do
    if "status_$s" 2>/dev/null; then
      printf '%-14s up    %s\n' "$s" "$(address_of "$s")"
    else
      printf '%-14s down\n' "$s"
      rc=3
    fi
  done
  return $rc
}

cmd_wait() { await_ready "$@"; }

usage() {
  cat <<USAGE
usage: $(basename "$0") install|up|down|restart|status|wait [name...]
names: ${ALL_SERVICES[*]} (default: these), ${OPTIONAL_SERVICES[*]} (only when named)
data:  SERVICES_DIR=$SERVICES_DIR
cache: SERVICES_CACHE_DIR=$SERVICES_CACHE_DIR
USAGE
}

main() {
  local cmd="${1:-}"
  [[ -n "$cmd" ]] || {
    usage
    exit 2
  }
  shift
  local names=("$@") n ok s
  [[ ${#names[@]} -gt 0 ]] || names=("${ALL_SERVICES[@]}")
  for n in "${names[@]}"; do
    ok=0
    for s in "${ALL_SERVICES[@]}" "${OPTIONAL_SERVICES[@]}"; do [[ "$n" == "$s" ]] && ok=1; done
    [[ $ok -eq 1 ]] || die "unknown server '$n' (expected: ${ALL_SERVICES[*]} ${OPTIONAL_SERVICES[*]})"
  done

  case "$cmd" in
  install | up | down | restart)
    # one invocation at a time per services folder (parallel `up`s from several shells are safe);
    # every server is started with `9>&-` so that it does not inherit (and keep holding) this lock
    exec 9>"$SERVICES_DIR/.lock"
    flock -w 900 9 || die "another services.sh holds $SERVICES_DIR/.lock"
    ;;
  esac

  local t0
  t0="$(now)"
  case "$cmd" in
  install) cmd_install "${names[@]}" ;;
  up) cmd_up "${names[@]}" ;;
  down) cmd_down "${names[@]}" ;;
  restart)
    cmd_down "${names[@]}"
    cmd_up "${names[@]}"
    ;;
  status)
    cmd_status "${names[@]}"
    return
    ;;
  wait) cmd_wait "${names[@]}" ;;
  -h | --help | help)
    usage
    return
    ;;
  *)
    usage >&2
    exit 2
    ;;
  esac
  print_timings
  log "$cmd done in $(elapsed "$t0")s"
  if [[ "$cmd" == up || "$cmd" == restart ]]; then cmd_status "${names[@]}"; fi
}

# run unless sourced (sourcing gives the functions, for debugging)
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
