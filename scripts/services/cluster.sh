#!/usr/bin/env bash
# The cluster profile: the production topology on one machine, without Docker, each engine clustered by its own
# means, for the cluster suites and fault tests. Commands: cluster_usage below; nodes, ports and their variables:
# README.md next to this file, "The cluster profile". Data and logs live in $SERVICES_DIR/cluster.
set -euo pipefail

CLUSTER_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# services.sh's helpers: logging, waiting, installing, and starting any RabbitMQ or Elasticsearch node.
# shellcheck source=services.sh
source "$CLUSTER_SCRIPT_DIR/services.sh"

CLUSTER_DIR="$SERVICES_DIR/cluster"
mkdir -p "$CLUSTER_DIR"
C_REDIS_PORT="${SERVICES_CLUSTER_REDIS_PORT:-7101}"
C_RMQ_PORT="${SERVICES_CLUSTER_RABBITMQ_PORT:-5811}"
C_RMQ_MGMT_PORT="${SERVICES_CLUSTER_RABBITMQ_MGMT_PORT:-15811}"
C_ES_PORT="${SERVICES_CLUSTER_ES_PORT:-9251}"
C_ES_TRANSPORT_PORT="${SERVICES_CLUSTER_ES_TRANSPORT_PORT:-9351}"
C_LB_PORT="${SERVICES_CLUSTER_LB_PORT:-8190}"
C_API_PORT="${SERVICES_CLUSTER_API_PORT:-3191}"
C_STATUS_PORT="${SERVICES_CLUSTER_STATUS_PORT:-3195}"
# Small heaps and one processor's worth of threads per node: three nodes share two cores with everything else.
C_ES_HEAP="${SERVICES_CLUSTER_ES_HEAP:-512m}"
# A primary that does not answer for this long is failed over to its replica.
C_REDIS_NODE_TIMEOUT_MS="${SERVICES_CLUSTER_REDIS_NODE_TIMEOUT_MS:-3000}"
C_APPS=(api-1 api-2 ingestion-worker-1 ingestion-worker-2 rating-worker-1 rating-worker-2)

# ---------------------------------------------------------------------------------------------
# Redis Cluster: six redis-servers, then redis-cli --cluster create with one replica per primary
# ---------------------------------------------------------------------------------------------
cr_port() { echo $((C_REDIS_PORT + $1 - 1)); }
cr_dir() { echo "$CLUSTER_DIR/redis/$(cr_port "$1")"; }
cr_cli() {
  local i="$1"
  shift
  redis-cli -h 127.0.0.1 -p "$(cr_port "$i")" "$@"
}
cr_answers() { [[ "$(cr_cli "$1" ping 2>/dev/null)" == PONG ]]; }
cr_info() { cr_cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }

start_redis_node() {
  local i="$1" dir
  dir="$(cr_dir "$i")"
  mkdir -p "$dir"
  cr_answers "$i" && return 0
  ensure_port_free "$(cr_port "$i")" "redis-$i"
  # Append-only file as on one server (the journals live here until relayed); require-full-coverage no: the
  # slots of the other primaries keep answering while one primary is being failed over.
  redis-server --port "$(cr_port "$i")" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
    --cluster-node-timeout "$C_REDIS_NODE_TIMEOUT_MS" --cluster-require-full-coverage no \
    --cluster-replica-validity-factor 0 --save "" --appendonly yes --appendfsync everysec \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" 9>&- 7>&-
}

# Creates the cluster the first time (six empty nodes); a cluster that ran before reforms from its nodes.conf files.
form_redis_cluster() {
  local i fresh=0 nodes=()
  for i in 1 2 3 4 5 6; do
    nodes+=("127.0.0.1:$(cr_port "$i")")
    if [[ "$(cr_info "$i" cluster_known_nodes)" == 1 && "$(cr_info "$i" cluster_slots_assigned)" == 0 ]]; then
      fresh=$((fresh + 1))
    fi
  done
  if [[ $fresh -eq 6 ]]; then
    log "redis cluster: creating it (3 primaries, 3 replicas)"
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$CLUSTER_DIR/redis/create.log" 2>&1 ||
      {
        show_log_tail "$CLUSTER_DIR/redis/create.log"
        die "redis cluster: redis-cli --cluster create failed"
      }
  elif [[ $fresh -gt 0 ]]; then
    die "redis cluster: $fresh of 6 nodes are empty, the others hold a cluster: 'down', then remove $CLUSTER_DIR/redis"
  fi
}

# Every node sees every slot served and this node's own links up (a replica in sync with its primary).
cr_ready() {
  cr_answers "$1" || return 1
  [[ "$(cr_info "$1" cluster_state)" == ok && "$(cr_info "$1" cluster_slots_ok)" == 16384 ]] || return 1
  local role
  role="$(cr_cli "$1" role 2>/dev/null | head -n 1)"
  [[ "$role" == master ]] || cr_cli "$1" info replication 2>/dev/null | grep -q '^master_link_status:up'
}

stop_redis_node() {
  cr_answers "$1" && cr_cli "$1" shutdown >/dev/null 2>&1 || true
  kill_pidfile "$(cr_dir "$1")/redis.pid" "redis-$1" 10
}

kill_redis_node() { kill -9 "$(tr -dc '0-9' <"$(cr_dir "$1")/redis.pid")" 2>/dev/null || true; }

status_redis_node() {
  local me
  cr_answers "$1" || return 1
  me="$(cr_cli "$1" cluster nodes 2>/dev/null | grep myself)"
  if [[ "$me" == *master* ]]; then
    echo "primary, slots $(echo "$me" | cut -d' ' -f9- | tr ' ' ',')"
  else
    local of
    of="$(echo "$me" | cut -d' ' -f4)"
    echo "replica of $(cr_cli "$1" cluster nodes 2>/dev/null | grep "^$of" | cut -d' ' -f2 | cut -d@ -f1)"
  fi
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ: three nodes, nodes 2 and 3 joined to node 1 with rabbitmqctl join_cluster (once)
# ---------------------------------------------------------------------------------------------
cq_port() { echo $((C_RMQ_PORT + $1 - 1)); }
cq_node() { echo "rabbit-$(cq_port "$1")@localhost"; }
cq_dir() { echo "$CLUSTER_DIR/rabbitmq/$(cq_port "$1")"; }
# cq <i> <script> args...: rabbitmqctl or rabbitmq-diagnostics against node i
cq() {
  local i="$1" script="$2"
  shift 2
  rmq_node_cmd "$(cq_dir "$i")" "$(cq_node "$i")" "$(cq_port "$i")" "$script"
  (cd "$(cq_dir "$i")" && timeout 60 "${RMQ_CMD[@]}" "$@")
}
cq_answers() { port_open "$(cq_port "$1")" && cq "$1" rabbitmq-diagnostics -q check_running >/dev/null 2>&1; }

start_rabbitmq_node() {
  local i="$1" dir
  dir="$(cq_dir "$i")"
  rmq_write_config "$dir" "$(cq_port "$i")" $((C_RMQ_MGMT_PORT + i - 1))
  cq_answers "$i" && return 0
  ensure_port_free "$(cq_port "$i")" "rabbitmq-$i"
  ensure_port_free $((C_RMQ_MGMT_PORT + i - 1)) "rabbitmq-$i management"
  rmq_node_cmd "$dir" "$(cq_node "$i")" "$(cq_port "$i")" rabbitmq-server
  (cd "$dir" && exec setsid nohup "${RMQ_CMD[@]}" >>"$dir/log/startup.log" 2>&1 </dev/null 9>&- 7>&-) &
}

# cq_members <i> <disk_nodes|running_nodes>: the nodes node i counts as members, or as running, comma-separated
cq_members() {
  cq "$1" rabbitmqctl -q cluster_status --formatter json 2>/dev/null |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      try { console.log((JSON.parse(s)[process.argv[1]] || []).join(",")); } catch { console.log(""); } });' "$2"
}

join_rabbitmq_cluster() {
  local i first
  first="$(cq_node 1)"
  for i in 2 3; do
    [[ ",$(cq_members "$i" disk_nodes)," == *",$first,"* ]] && continue
    log "rabbitmq cluster: joining $(cq_node "$i") to $first"
    # The CLI reports the tables it could not reach on the nodes still joining; keep that in the node's log.
    {
      cq "$i" rabbitmqctl -q stop_app &&
        cq "$i" rabbitmqctl -q reset &&
        cq "$i" rabbitmqctl -q join_cluster "$first" &&
        cq "$i" rabbitmqctl -q start_app
    } >>"$(cq_dir "$i")/log/join.log" 2>&1 || {
      show_log_tail "$(cq_dir "$i")/log/join.log"
      die "rabbitmq cluster: $(cq_node "$i") could not join $first"
    }
  done
}

cq_ready() {
  local running
  cq_answers "$1" || return 1
  running="$(cq_members "$1" running_nodes)"
  [[ -n "$running" && "$(tr ',' '\n' <<<"$running" | wc -l)" -ge 3 ]]
}

stop_rabbitmq_node() {
  local dir
  dir="$(cq_dir "$1")"
  [[ -d "$dir" ]] || return 0
  if port_open "$(cq_port "$1")" || pid_alive "$dir/rabbitmq.pid"; then
    cq "$1" rabbitmqctl -q stop "$dir/rabbitmq.pid" >/dev/null 2>&1 || true
  fi
  kill_pidfile "$dir/rabbitmq.pid" "rabbitmq-$1" 30
}

kill_rabbitmq_node() { kill -9 "$(tr -dc '0-9' <"$(cq_dir "$1")/rabbitmq.pid")" 2>/dev/null || true; }

status_rabbitmq_node() {
  cq_answers "$1" || return 1
  echo "$(cq_node "$1"), cluster running on $(cq_members "$1" running_nodes)"
}

# ---------------------------------------------------------------------------------------------
# Elasticsearch: three nodes of the unpacked distribution, discovering each other on the transport ports
# ---------------------------------------------------------------------------------------------
ce_port() { echo $((C_ES_PORT + $1 - 1)); }
ce_dir() { echo "$CLUSTER_DIR/elasticsearch/n$1"; }
ce_health() { curl -s -m 3 "http://127.0.0.1:$(ce_port "$1")/_cluster/health" 2>/dev/null; }

start_elasticsearch_node() {
  local i="$1" dir seeds="" masters="" n
  dir="$(ce_dir "$i")"
  es_prepare_dir "$dir"
  ce_health "$i" | grep -q '"status"' && return 0
  es_pid_of "$dir" "$dir/elasticsearch.pid" >/dev/null && return 0
  ensure_port_free "$(ce_port "$i")" "elasticsearch-$i"
  ensure_port_free $((C_ES_TRANSPORT_PORT + i - 1)) "elasticsearch-$i transport"
  for n in 1 2 3; do
    seeds="${seeds:+$seeds,}127.0.0.1:$((C_ES_TRANSPORT_PORT + n - 1))"
    masters="${masters:+$masters,}credit-es-$n"
  done
  # initial_master_nodes only matters the first time the cluster forms; later starts find it in their data.
  es_launch "$dir" "$C_ES_HEAP" -Ecluster.name=credit-cluster -Enode.name="credit-es-$i" -Ehttp.port="$(ce_port "$i")" \
    -Etransport.port=$((C_ES_TRANSPORT_PORT + i - 1)) -Ediscovery.seed_hosts="$seeds" \
    -Ecluster.initial_master_nodes="$masters" -Enode.processors=1
}

ce_ready() { ce_health "$1" | grep -Eq '"status":"(green|yellow)".*"number_of_nodes":3'; }

stop_elasticsearch_node() {
  local pid dir
  dir="$(ce_dir "$1")"
  if pid="$(es_pid_of "$dir" "$dir/elasticsearch.pid")"; then kill_pid "$pid" "elasticsearch-$1" 60; fi
  rm -f "$dir/elasticsearch.pid"
}

kill_elasticsearch_node() {
  local pid dir
  dir="$(ce_dir "$1")"
  if pid="$(es_pid_of "$dir" "$dir/elasticsearch.pid")"; then kill -9 "$pid" 2>/dev/null || true; fi
}

status_elasticsearch_node() {
  local health
  health="$(ce_health "$1")"
  [[ "$health" == *'"status"'* ]] || return 1
  local status nodes
  status="$(sed 's/.*"status":"\([a-z]*\)".*/\1/' <<<"$health")"
  nodes="$(sed 's/.*"number_of_nodes":\([0-9]*\).*/\1/' <<<"$health")"
  echo "credit-es-$1, cluster $status with $nodes nodes"
}

# ---------------------------------------------------------------------------------------------
# Apps: the compiled API (two replicas) and workers (two of each), and HAProxy in front of the API
# ---------------------------------------------------------------------------------------------
app_dir() { echo "$CLUSTER_DIR/apps"; }
app_kind() { echo "${1%-*}"; }
# The API's port, or a worker's status port
app_port() {
  local n="${1##*-}"
  case "$(app_kind "$1")" in
  api) echo $((C_API_PORT + n - 1)) ;;
  ingestion-worker) echo $((C_STATUS_PORT + n - 1)) ;;
  rating-worker) echo $((C_STATUS_PORT + 2 + n - 1)) ;;
  esac
}
app_ready() { curl -fs -m 3 -o /dev/null "http://127.0.0.1:$(app_port "$1")/health/ready"; }
# For await_ready: 0 ready, 1 not yet (or its pid not written yet), 2 its process is gone (curl's own exit codes would
# read as failures)
app_wait_ready() {
  app_ready "$1" && return 0
  [[ -s "$(app_dir)/$1.pid" ]] || return 1
  pid_alive "$(app_dir)/$1.pid" || return 2
  return 1
}

ensure_app_build() {
  if [[ ! -s "$REPO_ROOT/dist/apps/api/src/main.js" ]]; then
    log "apps: npm run build (dist/ is missing)"
    (cd "$REPO_ROOT" && npm run -s build) || die "apps: npm run build failed"
  fi
}

# app_exec [NAME=value...] command...: replaces the (sub)shell with the command, in the profile's environment
# (cluster-env.sh) and from the repository, as the compiled apps run
app_exec() {
  # shellcheck source=cluster-env.sh
  source "$CLUSTER_SCRIPT_DIR/cluster-env.sh" 2>/dev/null
  cd "$REPO_ROOT"
  exec env TS_NODE_BASEURL=./dist NODE_OPTIONS= "$@"
}

# The profile's own PostgreSQL database, made with the application role (it may create databases), then migrated.
prepare_database() {
  local bin exists
  bin="$(pg_bin)"
  exists="$(PGPASSWORD="$PG_APP_PASSWORD" "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_APP_USER" -d credit -qAtX \
    -c "SELECT 1 FROM pg_database WHERE datname = 'credit_cluster'")"
  if [[ -z "$exists" ]]; then
    PGPASSWORD="$PG_APP_PASSWORD" "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_APP_USER" -d credit -qAtX \
      -c 'CREATE DATABASE credit_cluster' >/dev/null
  fi
  (app_exec node -r tsconfig-paths/register dist/scripts/db-migrate.js) >"$CLUSTER_DIR/db-migrate.log" 2>&1 ||
    {
      show_log_tail "$CLUSTER_DIR/db-migrate.log"
      die "apps: db:migrate on credit_cluster failed"
    }
}

start_app() {
  local name="$1" kind dir
  kind="$(app_kind "$name")"
  dir="$(app_dir)"
  mkdir -p "$dir"
  pid_alive "$dir/$name.pid" && return 0
  # A pid file left by a killed process would read as a failed start until the new process writes its own.
  rm -f "$dir/$name.pid"
  ensure_port_free "$(app_port "$name")" "$name"
  local settings=(LOG_FORMAT=json HOST=127.0.0.1 RATE_LIMIT_PER_MINUTE="${RATE_LIMIT_PER_MINUTE:-600}")
  local node_flags=()
  if [[ "$kind" == api ]]; then
    # As the image starts it (docs/operations.md, "The API's runtime flags").
    node_flags=(--no-memory-reducer)
    # The workers relay the journals, so that the API's event loop only serves requests (as docker-compose does).
    settings+=(PORT="$(app_port "$name")" RUN_JOURNAL_RELAYS=false)
  else
    settings+=(STATUS_PORT="$(app_port "$name")")
  fi
  # In a session of its own, so it outlives this script; the process records its pid before it becomes node.
  # shellcheck disable=SC2016 # $$ and $0 belong to the inner sh
  (app_exec "${settings[@]}" setsid sh -c 'echo $$ >"$0"; exec "$@"' "$dir/$name.pid" \
    node "${node_flags[@]}" -r tsconfig-paths/register "dist/apps/$kind/src/main.js" >>"$dir/$name.log" 2>&1 </dev/null 9>&- 7>&- &)
}

stop_app() { kill_pidfile "$(app_dir)/$1.pid" "$1" 30; }
kill_app() { kill -9 "$(tr -dc '0-9' <"$(app_dir)/$1.pid")" 2>/dev/null || true; }
status_app() {
  app_ready "$1" || return 1
  if [[ "$(app_kind "$1")" == api ]]; then
    echo "http://127.0.0.1:$(app_port "$1")"
  else
    echo "status http://127.0.0.1:$(app_port "$1")/health/ready"
  fi
}

install_haproxy() {
  local fresh=0
  pkg_installed haproxy || fresh=1
  apt_ensure haproxy
  if [[ $fresh -eq 1 ]]; then stop_distro_service haproxy; fi
}

# HAProxy: round robin over the API replicas; a replica that stops answering /health/live (checked every second) is
# taken out after two misses, and a request whose connection a dead replica refuses is sent to the other one
# (retries, redispatch). Requests in flight on a replica that dies fail: HAProxy cannot know what they did.
start_lb() {
  local dir="$CLUSTER_DIR/lb" n
  mkdir -p "$dir"
  pid_alive "$dir/haproxy.pid" && return 0
  ensure_port_free "$C_LB_PORT" lb
  {
    printf 'global\n  maxconn 4096\n  nbthread 1\n'
    printf 'defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n'
    printf '  retries 3\n  option redispatch 1\n'
    printf 'frontend api\n  bind 127.0.0.1:%s\n  default_backend api\n' "$C_LB_PORT"
    printf 'backend api\n  balance roundrobin\n  option httpchk GET /health/live\n'
    printf '  default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions\n'
    for n in 1 2; do printf '  server api-%s 127.0.0.1:%s check\n' "$n" $((C_API_PORT + n - 1)); done
  } >"$dir/haproxy.cfg"
  haproxy -q -c -f "$dir/haproxy.cfg" >/dev/null || die "lb: haproxy refused $dir/haproxy.cfg"
  haproxy -q -D -f "$dir/haproxy.cfg" -p "$dir/haproxy.pid" 9>&- 7>&-
}
stop_lb() { kill_pidfile "$CLUSTER_DIR/lb/haproxy.pid" lb 10; }
status_lb() {
  pid_alive "$CLUSTER_DIR/lb/haproxy.pid" && port_open "$C_LB_PORT" &&
    echo "http://127.0.0.1:$C_LB_PORT (HAProxy over api-1, api-2)"
}

# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------
# Readiness checks and log files for await_ready (services.sh), one pair per node.
for _i in 1 2 3 4 5 6; do
  eval "ready_c_redis_$_i() { cr_ready $_i; }; logs_c_redis_$_i() { echo \"\$(cr_dir $_i)/redis.log\"; }"
done
for _i in 1 2 3; do
  eval "ready_c_rabbitmq_$_i() { cq_ready $_i; }"
  eval "logs_c_rabbitmq_$_i() { echo \"\$(cq_dir $_i)/log/startup.log \$(cq_dir $_i)/log/rabbit.log\"; }"
  eval "ready_c_elasticsearch_$_i() { ce_ready $_i; }"
  eval "logs_c_elasticsearch_$_i() { echo \"\$(ce_dir $_i)/startup.log \$(ce_dir $_i)/logs/credit-cluster.log\"; }"
done
for _a in "${C_APPS[@]}"; do
  eval "ready_c_${_a//-/_}() { app_wait_ready $_a; }; logs_c_${_a//-/_}() { echo \"\$(app_dir)/$_a.log\"; }"
done
unset _i _a

up_servers() {
  local i s
  # PostgreSQL and FerretDB are the single-node ones; what this command starts, `down` stops.
  for s in postgres ferretdb; do
    bash "$SCRIPT_DIR/services.sh" status "$s" >/dev/null 2>&1 || echo "$s" >>"$CLUSTER_DIR/started"
  done
  bash "$SCRIPT_DIR/services.sh" up postgres ferretdb 7>&-
  for i in 1 2 3; do start_rabbitmq_node "$i"; done
  for i in 1 2 3; do start_elasticsearch_node "$i"; done
  for i in 1 2 3 4 5 6; do start_redis_node "$i"; done
  await_ready_quietly cr_answers 1 2 3 4 5 6
  form_redis_cluster
  await_ready_quietly cq_answers 1 2 3
  join_rabbitmq_cluster
  await_ready c_redis_1 c_redis_2 c_redis_3 c_redis_4 c_redis_5 c_redis_6 c_rabbitmq_1 c_rabbitmq_2 c_rabbitmq_3 \
    c_elasticsearch_1 c_elasticsearch_2 c_elasticsearch_3
}

# await_ready_quietly <check> <i>...: waits until check <i> passes for each, failing after SERVICES_TIMEOUT
await_ready_quietly() {
  local check="$1" i deadline=$((SECONDS + SERVICES_TIMEOUT))
  shift
  for i in "$@"; do
    until "$check" "$i"; do
      ((SECONDS < deadline)) || die "$check $i: no answer within ${SERVICES_TIMEOUT}s (logs under $CLUSTER_DIR)"
      sleep 0.5
    done
  done
}

up_apps() {
  local a names=()
  ensure_app_build
  prepare_database
  for a in "${C_APPS[@]}"; do
    start_app "$a"
    names+=("c_${a//-/_}")
  done
  start_lb
  await_ready "${names[@]}"
}

down_apps() {
  local a
  stop_lb
  for a in "${C_APPS[@]}"; do stop_app "$a"; done
}

down_servers() {
  local i s
  for i in 6 5 4 3 2 1; do stop_redis_node "$i"; done
  for i in 3 2 1; do stop_elasticsearch_node "$i"; done
  # The last node stopped is the first to start next time; `up` starts all three at once anyway.
  for i in 3 2 1; do stop_rabbitmq_node "$i"; done
  if [[ -s "$CLUSTER_DIR/started" ]]; then
    local started=()
    for s in postgres ferretdb; do grep -qx "$s" "$CLUSTER_DIR/started" && started+=("$s"); done
    # services.sh stops them in reverse order: FerretDB before the PostgreSQL it stores into.
    [[ ${#started[@]} -eq 0 ]] || bash "$SCRIPT_DIR/services.sh" down "${started[@]}" 7>&-
    rm -f "$CLUSTER_DIR/started"
  fi
}

cmd_cluster_status() {
  local rc=0 name detail i a
  line() {
    if detail="$("$2" "$3" 2>/dev/null)"; then
      printf '%-20s up    %s\n' "$1" "$detail"
    else
      printf '%-20s down\n' "$1"
      rc=3
    fi
  }
  server() { "status_$1" && address_of "$1"; }
  line postgres server postgres
  line ferretdb server ferretdb
  for i in 1 2 3 4 5 6; do line "redis-$i" status_redis_node "$i"; done
  for i in 1 2 3; do line "rabbitmq-$i" status_rabbitmq_node "$i"; done
  for i in 1 2 3; do line "elasticsearch-$i" status_elasticsearch_node "$i"; done
  line lb status_lb ""
  for a in "${C_APPS[@]}"; do line "$a" status_app "$a"; done
  return $rc
}

# node <verb> <name>: stop, kill or start one node of the profile
cmd_node() {
  local verb="$1" name="${2:-}" i
  i="${name##*-}"
  # kind: the function names' middle part (stop_<kind>, kill_<kind>, start_<kind>); id: their argument
  local kind id ready
  case "$name" in
  redis-[1-6] | rabbitmq-[1-3] | elasticsearch-[1-3])
    kind="${name%-*}_node" id="$i" ready="c_${name//-/_}"
    ;;
  api-[12] | ingestion-worker-[12] | rating-worker-[12]) kind=app id="$name" ready="c_${name//-/_}" ;;
  lb) kind=lb id="" ready="" ;;
  *) die "unknown node '$name' (see: $(basename "$0") help)" ;;
  esac
  case "$verb" in
  stop) "stop_$kind" $id ;;
  kill) if [[ "$kind" == lb ]]; then stop_lb; else "kill_$kind" "$id"; fi ;;
  start)
    "start_$kind" $id
    [[ -z "$ready" ]] || await_ready "$ready"
    ;;
  esac
  log "$verb $name: done"
}

cluster_usage() {
  cat <<USAGE
usage: $(basename "$0") up|down|status|install [servers|apps]
       $(basename "$0") stop|kill|start <node>
nodes: redis-1..6 rabbitmq-1..3 elasticsearch-1..3 lb api-1..2 ingestion-worker-1..2 rating-worker-1..2
data:  $CLUSTER_DIR
USAGE
}

cluster_main() {
  local cmd="${1:-}" part="${2:-all}" t0
  case "$cmd" in
  up | down | install | stop | kill | start)
    exec 7>"$CLUSTER_DIR/.lock"
    flock -w 900 7 || die "another cluster.sh holds $CLUSTER_DIR/.lock"
    ;;
  esac
  t0="$(now)"
  case "$cmd" in
  install)
    bash "$SCRIPT_DIR/services.sh" install postgres redis rabbitmq ferretdb elasticsearch 7>&-
    timed "install haproxy" install_haproxy
    ;;
  up)
    [[ "$part" == apps ]] || {
      bash "$SCRIPT_DIR/services.sh" install postgres redis rabbitmq ferretdb elasticsearch 7>&-
      install_haproxy
      timed "start the servers" up_servers
    }
    [[ "$part" == servers ]] || timed "start the apps" up_apps
    print_timings
    log "up done in $(elapsed "$t0")s"
    cmd_cluster_status || true
    ;;
  down)
    [[ "$part" == servers ]] || timed "stop the apps" down_apps
    [[ "$part" == apps ]] || timed "stop the servers" down_servers
    log "down done in $(elapsed "$t0")s"
    ;;
  status) cmd_cluster_status ;;
  help | -h | --help) cluster_usage ;;
  stop | kill | start) cmd_node "$cmd" "$part" ;;
  *)
    cluster_usage >&2
    exit 2
    ;;
  esac
}

cluster_main "$@"
