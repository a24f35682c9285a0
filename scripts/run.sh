#!/usr/bin/env bash
# Start the action server (5055), the Rasa server (5005, embedded SQLite tracker store) and
# the web widget with a demo clinic page (8080, bot/web_demo.py) in the foreground; Ctrl-C
# stops them all. CORS_ORIGINS (space-separated) lists the pages allowed to talk to Rasa.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL=3
export SQLITE_DB="${SQLITE_DB:-rasa.db}"
export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}"  # no usage data or crash reports to Rasa's vendor
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
MODEL="${MODEL:-models/triage.tar.gz}"
WEB_HOST="${WEB_HOST:-127.0.0.1}"
WEB_PORT="${WEB_PORT:-8080}"
RASA_URL="${RASA_URL:-http://localhost:$RASA_PORT}"  # where the widget's browser reaches Rasa
read -r -a CORS <<< "${CORS_ORIGINS:-http://localhost:$RASA_PORT http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"

# the endpoints file of the layout the environment chooses (default: SQLite, in-memory locks,
# as endpoints.yml); PostgreSQL / Redis are checked first (docs/production.md)
RUN_DIR="${RUN_DIR:-.run}"
.venv/bin/python -m bot.endpoints --out "$RUN_DIR/endpoints.yml" --check || exit 2

pids=()
stop() { echo; echo "==> stopping"; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

echo "==> starting the action server on port $ACTION_PORT"
.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" --quiet &
pids+=($!)
echo "==> starting the Rasa server on port $RASA_PORT"
.venv/bin/rasa run --model "$MODEL" --port "$RASA_PORT" --credentials credentials.yml \
  --endpoints "$RUN_DIR/endpoints.yml" --cors "${CORS[@]}" --quiet &
pids+=($!)
echo "==> serving the chat widget and a demo clinic page on port $WEB_PORT"
.venv/bin/python -m bot.web_demo --host "$WEB_HOST" --port "$WEB_PORT" --rasa-url "$RASA_URL" &
pids+=($!)

for i in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$RASA_PORT/" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1 \
    && curl -fs "http://127.0.0.1:$WEB_PORT/widget.js" >/dev/null 2>&1; then
    cat <<MSG
==> ready. Talk to it:
    the chat widget on a demo clinic page: http://localhost:$WEB_PORT/demo/
    the nurse console: http://localhost:$RASA_PORT/webhooks/nurse/console (add a nurse: .venv/bin/python -m bot.channels.nurse_users add NAME)
    curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"a","message":"my face is drooping on one side"}'
    or, in another terminal: make shell
    Ctrl-C stops the servers.
MSG
    break
  fi
  if ! kill -0 "${pids[@]}" 2>/dev/null; then echo "error: a server stopped while starting" >&2; exit 1; fi
  [ $((i % 10)) -eq 0 ] && echo "    still starting ($i s)"
  sleep 1
done
wait -n "${pids[@]}"
