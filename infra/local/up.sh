#!/usr/bin/env bash
# Start a local MLflow tracking server and a Prefect server as background processes, no Docker
# needed. State, logs and pid files live in .tastemaker/servers/ of the current project folder;
# `infra/local/down.sh` stops them. Ports: MLFLOW_PORT (5000) and PREFECT_PORT (4200).
#
# Both are locked down like the Compose ones: they listen on loopback only, ask for a login (MLflow's
# basic-auth app; Prefect's auth string), answer only their own Host names and refuse cross-origin
# requests from any other page, so neither another local user nor a web page in the browser can
# drive them. The logins are made once, at random, in .tastemaker/servers/credentials.env (mode 600).
set -euo pipefail

servers_dir="${TASTEMAKER_SERVERS_DIR:-$PWD/.tastemaker/servers}"
mlflow_port="${MLFLOW_PORT:-5000}"
prefect_port="${PREFECT_PORT:-4200}"
ready_timeout_s="${READY_TIMEOUT_S:-90}"
# The project's virtualenv first, so the servers match the client versions.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$repo_root/.venv/bin:$PATH"

mkdir -p "$servers_dir/mlartifacts" "$servers_dir/prefect"
credentials="$servers_dir/credentials.env"   # what a client exports: the logins
server_secrets="$servers_dir/server-secrets.env"   # what only the servers need

fail() { echo "error: $*" >&2; exit 1; }

port_in_use() {
  python - "$1" <<'PY'
import socket, sys
with socket.socket() as probe:
    sys.exit(0 if probe.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}

# Run a command in its own process group (job control), so down.sh can stop it with its children.
start() {
  local name="$1" port="$2"; shift 2
  local pid_file="$servers_dir/$name.pid"
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "$name already running (pid $(cat "$pid_file"))"
    return
  fi
  if port_in_use "$port"; then fail "port $port for $name is taken: stop what uses it or choose another port"; fi
  set -m
  nohup "$@" >"$servers_dir/$name.log" 2>&1 &
  echo $! >"$pid_file"
  set +m
}

wait_until_healthy() {
  local name="$1" url="$2" deadline=$((SECONDS + ready_timeout_s))
  until python -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; do
    kill -0 "$(cat "$servers_dir/$name.pid")" 2>/dev/null \
      || fail "$name exited during start-up; see $servers_dir/$name.log"
    ((SECONDS < deadline)) || fail "$name not healthy after ${ready_timeout_s}s; see $servers_dir/$name.log"
    sleep 1
  done
}

if [[ ! -f "$credentials" ]]; then
  (
    umask 077
    python - "$credentials" "$server_secrets" <<'PY'
import secrets, sys
login, secret = sys.argv[1], sys.argv[2]
with open(login, "w") as file:
    file.write("MLFLOW_TRACKING_USERNAME=admin\n")
    file.write(f"MLFLOW_TRACKING_PASSWORD={secrets.token_urlsafe(18)}\n")
    file.write(f"PREFECT_API_AUTH_STRING=admin:{secrets.token_urlsafe(18)}\n")
with open(secret, "w") as file:
    file.write(f"MLFLOW_FLASK_SERVER_SECRET_KEY={secrets.token_urlsafe(32)}\n")
PY
  )
fi
set -a
# shellcheck source=/dev/null
source "$credentials"
# shellcheck source=/dev/null
source "$server_secrets"
set +a

# MLflow's basic-auth app, its users in a SQLite file here; the admin comes from the environment.
sed "s|^database_uri = .*|database_uri = sqlite:///$servers_dir/mlflow-auth.db|" \
  "$repo_root/infra/mlflow/basic_auth.ini" >"$servers_dir/basic_auth.ini"
mlflow_origins="http://127.0.0.1:$mlflow_port,http://localhost:$mlflow_port"
MLFLOW_AUTH_CONFIG_PATH="$servers_dir/basic_auth.ini" \
MLFLOW_AUTH_ADMIN_USERNAME="$MLFLOW_TRACKING_USERNAME" MLFLOW_AUTH_ADMIN_PASSWORD="$MLFLOW_TRACKING_PASSWORD" \
  start mlflow "$mlflow_port" mlflow server --app-name basic-auth \
  --host 127.0.0.1 --port "$mlflow_port" --workers 1 \
  --allowed-hosts "127.0.0.1:$mlflow_port,localhost:$mlflow_port" --cors-allowed-origins "$mlflow_origins" \
  --backend-store-uri "sqlite:///$servers_dir/mlflow.db" \
  --serve-artifacts --artifacts-destination "$servers_dir/mlartifacts"
# PREFECT_HOME keeps the Prefect server's SQLite database in the project, not in ~/.prefect.
PREFECT_HOME="$servers_dir/prefect" PREFECT_SERVER_API_AUTH_STRING="$PREFECT_API_AUTH_STRING" \
PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS="http://127.0.0.1:$prefect_port,http://localhost:$prefect_port" \
PREFECT_SERVER_ANALYTICS_ENABLED=false \
  start prefect "$prefect_port" prefect server start --host 127.0.0.1 --port "$prefect_port"

wait_until_healthy mlflow "http://127.0.0.1:$mlflow_port/health"
wait_until_healthy prefect "http://127.0.0.1:$prefect_port/api/health"

cat <<EOT
MLflow:  http://127.0.0.1:$mlflow_port
Prefect: http://127.0.0.1:$prefect_port
Logs and state: $servers_dir

Sign-ins (user admin) in $credentials

Point this shell at them:
  set -a; source $credentials; set +a
  export MLFLOW_TRACKING_URI=http://127.0.0.1:$mlflow_port
  export PREFECT_API_URL=http://127.0.0.1:$prefect_port/api
EOT
