#!/usr/bin/env bash
# Stop the servers infra/local/up.sh started in this project folder, each with its process group.
set -euo pipefail

servers_dir="${TASTEMAKER_SERVERS_DIR:-$PWD/.tastemaker/servers}"
stop_timeout_s=15

stop() {
  local name="$1" pid_file="$servers_dir/$1.pid"
  if [[ ! -f "$pid_file" ]]; then
    echo "$name: not started here"
    return
  fi
  local pid
  pid="$(cat "$pid_file")"
  if kill -TERM -- "-$pid" 2>/dev/null; then
    local deadline=$((SECONDS + stop_timeout_s))
    while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true   # still there after the grace period
    echo "$name: stopped"
  else
    echo "$name: was not running"
  fi
  rm -f "$pid_file"
}

stop mlflow
stop prefect
