#!/usr/bin/env bash
# A throwaway PostgreSQL server for CI: prints the SQLAlchemy URL of its `tastemaker` database.
#
#   .ci/postgres.sh                 install PostgreSQL if absent, start the server if not running, print the URL
#   .ci/postgres.sh --install-only  only make sure the PostgreSQL binaries are installed
#   .ci/postgres.sh --stop          stop the server and delete its folder
#
# Running it again while the server is up prints the same URL. The cluster lives in
# $TASTEMAKER_CI_POSTGRES_DIR (default /tmp/tastemaker-ci-postgres), listens on 127.0.0.1 only
# and trusts local connections: it holds test data for one CI job, nothing else.
set -euo pipefail

FOLDER="${TASTEMAKER_CI_POSTGRES_DIR:-/tmp/tastemaker-ci-postgres}"
SERVER_USER=postgres

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u "$SERVER_USER" -- "$@"; else "$@"; fi
}

bin_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_postgres() {
    if [ -z "$(bin_dir)" ]; then
        as_root apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() {
    [ -f "$FOLDER/url" ] && as_server_user "$(bin_dir)/pg_ctl" -D "$FOLDER/data" status >/dev/null 2>&1
}

start_server() {
    local bin port
    bin="$(bin_dir)"
    port="$(free_port)"
    rm -rf "$FOLDER"
    mkdir -p "$FOLDER"
    if [ "$(id -u)" -eq 0 ]; then chown "$SERVER_USER:" "$FOLDER"; fi
    as_server_user "$bin/initdb" -D "$FOLDER/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >&2
    as_server_user "$bin/pg_ctl" -D "$FOLDER/data" -l "$FOLDER/server.log" -w -t 60 \
        -o "-p $port -k $FOLDER -c listen_addresses=127.0.0.1" start >&2
    as_server_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres tastemaker
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/tastemaker" > "$FOLDER/url"
}

stop_server() {
    if [ -n "$(bin_dir)" ] && running; then
        as_server_user "$(bin_dir)/pg_ctl" -D "$FOLDER/data" -m fast -w stop >&2
    fi
    rm -rf "$FOLDER"
}

case "${1:-}" in
    --install-only) install_postgres ;;
    --stop) stop_server ;;
    "")
        install_postgres
        running || start_server
        cat "$FOLDER/url"
        ;;
    *) echo "usage: $0 [--install-only | --stop]" >&2; exit 2 ;;
esac
