#!/usr/bin/env bash
# The production layout on one machine, in the foreground (Ctrl-C stops it all): one action
# server (5055) and two Rasa servers (5005, 5006) that share a PostgreSQL tracker store and a
# Redis lock store, all on loopback; put any HTTP proxy in front of the Rasa servers.
# Every setting is an environment variable (docs/production.md). Before anything starts, the
# services are checked (python -m bot.endpoints --check): a wrong address is a clear error
# here, not a server that retries for ever.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1
export TRACKER_STORE="${TRACKER_STORE:-postgres}" LOCK_STORE="${LOCK_STORE:-redis}"
export DB_NAME="${DB_NAME:-triage}" SQLITE_DB="${SQLITE_DB:-rasa.db}"
export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}"  # no usage data or crash reports to Rasa's vendor
read -r -a RASA_PORTS <<< "${RASA_PORTS:-5005 5006}"
ACTION_PORT="${ACTION_PORT:-5055}"
INTERFACE="${RASA_INTERFACE:-127.0.0.1}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
MODEL="${MODEL:-models/triage.tar.gz}"
RUN_DIR="${RUN_DIR:-.run/prod}"
read -r -a CORS <<< "${CORS_ORIGINS:-http://localhost:${RASA_PORTS[0]}}"

# The Rasa HTTP API (trackers, model, parse) stays off unless ENABLE_API=1, and then only
# with a token: every call must carry ?token=$RASA_API_TOKEN.
API=()
if [ "${ENABLE_API:-0}" = "1" ]; then
  if [ "${#RASA_API_TOKEN}" -lt 16 ]; then
    echo "error: ENABLE_API=1 needs RASA_API_TOKEN (16 characters or more); the API would be open to anyone" >&2
    exit 2
  fi
  API=(--enable-api --auth-token "$RASA_API_TOKEN")
fi
[ -f "$MODEL" ] || { echo "error: $MODEL is missing: run make train" >&2; exit 2; }
.venv/bin/python -m bot.endpoints --out "$RUN_DIR/endpoints.yml" --check --create-db || exit 2

pids=()
stop() { trap - EXIT INT TERM; echo "==> stopping"; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

echo "==> starting the action server on port $ACTION_PORT"
.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" &
pids+=($!)
for port in "${RASA_PORTS[@]}"; do
  echo "==> starting a Rasa server on $INTERFACE:$port"
  .venv/bin/rasa run --model "$MODEL" -i "$INTERFACE" --port "$port" --credentials credentials.yml \
    --endpoints "$RUN_DIR/endpoints.yml" --cors "${CORS[@]}" "${API[@]}" &
  pids+=($!)
done

ready() {
  curl -fs "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1 || return 1
  for port in "${RASA_PORTS[@]}"; do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 || return 1; done
}
for i in $(seq 1 240); do
  if ready; then
    echo "==> ready: Rasa servers on ports ${RASA_PORTS[*]}, action server on $ACTION_PORT"
    echo "    curl -s localhost:${RASA_PORTS[0]}/webhooks/rest/webhook -d '{\"sender\":\"a\",\"message\":\"my face is drooping on one side\"}'"
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "error: a server stopped while starting" >&2; exit 1; }
  done
  [ $((i % 10)) -eq 0 ] && echo "    still starting ($i s)"
  sleep 1
done
wait -n "${pids[@]}"
