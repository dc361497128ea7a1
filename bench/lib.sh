# Shared shell helpers of bench/run and bench/faults (sourced, not run).
# Everything listens on 127.0.0.1 only; every process started here is stopped by pid.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
PY=${BENCH_PYTHON:-$ROOT/.venv/bin/python}
GUNICORN=${BENCH_GUNICORN:-$ROOT/.venv/bin/gunicorn}
PG_DIR=${BENCH_PG_DIR:-/tmp/klimakronsj-bench-pg}
PG_PORT=${BENCH_PG_PORT:-55460}
APP_PORT=${BENCH_APP_PORT:-8461}
WORKERS=${BENCH_WORKERS:-4}
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export DJANGO_SETTINGS_MODULE=bench.settings
BENCH_PIDS=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Start (or reuse) the throwaway cluster and create a fresh database named $1.
pg_fresh_db() {
  local db=$1
  eval "$("$ROOT/scripts/pg-throwaway" start "$PG_DIR" "$PG_PORT")"
  export KLIMAKRONSJ_PG_NAME=$db
  "$KLIMAKRONSJ_PG_BINDIR/psql" -qX -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
}

migrate() {
  log "migrate (DEBUG off, PostgreSQL $KLIMAKRONSJ_PG_PORT/$KLIMAKRONSJ_PG_NAME)"
  "$PY" -m django migrate --noinput -v0
  BENCH_CACHE=db "$PY" -m django createcachetable -v0
  "$PY" -m django collectstatic --noinput --clear -v0
}

# gunicorn_start LOGFILE [extra args]: sync workers on loopback; sets GUNICORN_PID.
gunicorn_start() {
  local logfile=$1; shift
  "$GUNICORN" bench.wsgi:application --chdir "$ROOT" --bind "127.0.0.1:$APP_PORT" \
    --workers "$WORKERS" --worker-class sync --timeout 120 --graceful-timeout 5 \
    --backlog 2048 --log-level warning "$@" >"$logfile" 2>&1 &
  GUNICORN_PID=$!
  BENCH_PIDS+=("$GUNICORN_PID")
  local i
  for i in $(seq 1 100); do
    if "$PY" -c "import http.client,sys; c=http.client.HTTPConnection('127.0.0.1',$APP_PORT,timeout=2); c.request('GET','/bench/bare/'); sys.exit(c.getresponse().status!=200)" 2>/dev/null; then
      log "gunicorn $GUNICORN_PID up on 127.0.0.1:$APP_PORT ($WORKERS workers)"
      return 0
    fi
    if ! kill -0 "$GUNICORN_PID" 2>/dev/null; then break; fi
    sleep 0.2
  done
  log "gunicorn did not start:"; cat "$logfile" >&2
  return 1
}

stop_pid() {
  local pid=$1
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do stop_pid "$pid"; done
  if [ "${BENCH_KEEP_PG:-0}" != 1 ]; then "$ROOT/scripts/pg-throwaway" stop "$PG_DIR"; fi
}
