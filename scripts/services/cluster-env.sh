# shellcheck shell=bash
# Source me: exports the URLs of every node of the cluster profile (cluster.sh, same port variables) and the local
# keys from env.sh. Unlike env.sh it replaces URLs already set, so a shell on the single-node servers moves to the
# cluster.

# The keys (and the single-node URLs, replaced below).
# shellcheck disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

_c_list() { # _c_list <prefix> <first port> <count> <suffix>: prefix+port+suffix, for each port, comma-separated
  local i out=""
  for ((i = 0; i < $3; i++)); do out="${out:+$out,}$1$(($2 + i))$4"; done
  echo "$out"
}
export DATABASE_URL="postgres://credit:credit@127.0.0.1:${SERVICES_PG_PORT:-5432}/credit_cluster"
export MONGODB_URL="mongodb://127.0.0.1:${SERVICES_FERRETDB_PORT:-27017}/credit_cluster"
ELASTICSEARCH_URL="$(_c_list http://127.0.0.1: "${SERVICES_CLUSTER_ES_PORT:-9251}" 3 '')"
REDIS_CLUSTER_NODES="$(_c_list 127.0.0.1: "${SERVICES_CLUSTER_REDIS_PORT:-7101}" 6 '')"
RABBITMQ_URL="$(_c_list amqp://guest:guest@127.0.0.1: "${SERVICES_CLUSTER_RABBITMQ_PORT:-5811}" 3 '')"
export ELASTICSEARCH_URL REDIS_CLUSTER_NODES RABBITMQ_URL
unset REDIS_URL
export RABBITMQ_MANAGEMENT_PORT="${SERVICES_CLUSTER_RABBITMQ_MGMT_PORT:-15811}"
# Where clients reach the API: the load balancer in front of its replicas.
export CLUSTER_API_URL="http://127.0.0.1:${SERVICES_CLUSTER_LB_PORT:-8190}"
unset -f _c_list
