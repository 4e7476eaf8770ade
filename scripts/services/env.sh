# shellcheck shell=sh
# Source me: `source scripts/services/env.sh` (bash) or `. scripts/services/env.sh` (sh).
# Exports the URLs of the servers that scripts/services/services.sh starts (loopback; ports follow the
# same SERVICES_*_PORT overrides as services.sh). A URL already set in the environment is kept.
export DATABASE_URL="${DATABASE_URL:-postgres://credit:credit@127.0.0.1:${SERVICES_PG_PORT:-5432}/credit}"
export MONGODB_URL="${MONGODB_URL:-mongodb://127.0.0.1:${SERVICES_FERRETDB_PORT:-27017}/credit}"
export ELASTICSEARCH_URL="${ELASTICSEARCH_URL:-http://127.0.0.1:${SERVICES_ES_PORT:-9200}}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${SERVICES_REDIS_PORT:-6379}}"
export RABBITMQ_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:${SERVICES_RABBITMQ_PORT:-5672}}"
