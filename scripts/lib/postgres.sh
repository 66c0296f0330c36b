# Throwaway PostgreSQL 15 for the tests, sourced by scripts/test.
#   pg_test_start: installs postgresql-15 when missing, starts a server on loopback in a
#     temporary directory on a free port, creates an ordinary (non-superuser) owning role
#     with CREATEDB and its database, and exports CHURNGUARD_TEST_POSTGRES_URL.
#   pg_test_stop: stops the server and removes the directory.
# Returns non-zero when the server cannot be started; the caller decides whether that fails.

PG_TEST_BIN=/usr/lib/postgresql/15/bin
PG_TEST_DIR=""

# Runs a command as the `postgres` user when we are root (PostgreSQL refuses to run as root).
pg_test_as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_test_free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    done
    return 1
}

pg_test_start() {
    if [ ! -x "$PG_TEST_BIN/initdb" ]; then
        echo "installing postgresql-15 from Debian" >&2
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update -qq || return 1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 >/dev/null || return 1
    fi
    local port
    port=$(pg_test_free_port) || return 1
    PG_TEST_DIR=$(mktemp -d /tmp/churnguard-pg.XXXXXX) || return 1
    mkdir -p "$PG_TEST_DIR/socket"
    if [ "$(id -u)" = 0 ]; then chown -R postgres "$PG_TEST_DIR"; fi
    pg_test_as_owner "$PG_TEST_BIN/initdb" -D "$PG_TEST_DIR/data" -U postgres \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_TEST_DIR/initdb.log" 2>&1 || {
        cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
    pg_test_as_owner "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
        -o "-p $port -k $PG_TEST_DIR/socket -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" \
        start >/dev/null || { cat "$PG_TEST_DIR/server.log" >&2; return 1; }
    pg_test_as_owner "$PG_TEST_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$PG_TEST_DIR/socket" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE churnguard_test LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD 'churnguard-test'" \
        -c "CREATE DATABASE churnguard_test OWNER churnguard_test" >/dev/null || return 1
    export CHURNGUARD_TEST_POSTGRES_URL="postgresql://churnguard_test:churnguard-test@127.0.0.1:$port/churnguard_test"
    echo "PostgreSQL 15 for the tests on 127.0.0.1:$port ($PG_TEST_DIR)" >&2
}

pg_test_stop() {
    [ -n "$PG_TEST_DIR" ] || return 0
    if [ -d "$PG_TEST_DIR/data" ]; then
        pg_test_as_owner "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TEST_DIR"
    PG_TEST_DIR=""
}
