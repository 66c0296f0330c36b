# Throwaway PostgreSQL 15 for the tests, sourced by scripts/test.
#   pg_test_start [--durable]: installs postgresql-15 (and openssl) when missing, starts a
#     server on loopback in a temporary directory on a free port with TLS on (plain
#     connections still accepted), creates an ordinary (non-superuser) owning role with
#     CREATEDB and its database, and exports CHURNGUARD_TEST_POSTGRES_URL,
#     CHURNGUARD_TEST_POSTGRES_CA (the throwaway CA that signed the server certificate: CN
#     localhost, SAN DNS:localhost and IP:127.0.0.1) and CHURNGUARD_TEST_POSTGRES_OTHER_CA (a
#     second CA that signed nothing). The tests' server runs with fsync=off (fast, not
#     crash-safe); --durable keeps PostgreSQL's defaults (fsync on, synchronous_commit on), as
#     benchmarks need.
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

# Writes a throwaway CA ($2.pem, $2.key) into directory $1, valid for two days.
pg_test_make_ca() {
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=ChurnGuard test CA $2" -keyout "$1/$2.key" -out "$1/$2.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# Writes the test CAs and the server certificate and key into directory $1.
pg_test_make_certificates() {
    local dir="$1"
    pg_test_make_ca "$dir" ca && pg_test_make_ca "$dir" other-ca || return 1
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null || return 1
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null || return 1
    rm -f "$dir/ca.key" "$dir/other-ca.key" "$dir/server.csr" "$dir/server.ext" "$dir/ca.srl"
    chmod 0600 "$dir/server.key"
    chmod 0644 "$dir/ca.pem" "$dir/other-ca.pem" "$dir/server.pem"
}

pg_test_start() {
    local durability="-c fsync=off"
    if [ "${1:-}" = "--durable" ]; then durability=""; fi
    local need=()
    [ -x "$PG_TEST_BIN/initdb" ] || need+=(postgresql-15)
    command -v openssl >/dev/null 2>&1 || need+=(openssl)
    if ((${#need[@]})); then
        echo "installing ${need[*]} from Debian" >&2
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update -qq || return 1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null || return 1
    fi
    local port
    port=$(pg_test_free_port) || return 1
    PG_TEST_DIR=$(mktemp -d /tmp/churnguard-pg.XXXXXX) || return 1
    mkdir -p "$PG_TEST_DIR/socket" "$PG_TEST_DIR/tls"
    pg_test_make_certificates "$PG_TEST_DIR/tls" || { echo "could not make the test certificates" >&2; return 1; }
    # Everyone may reach and read the CA certificates; the data directory stays 0700, the key 0600.
    chmod 0755 "$PG_TEST_DIR" "$PG_TEST_DIR/tls"
    if [ "$(id -u)" = 0 ]; then chown -R postgres "$PG_TEST_DIR"; fi
    pg_test_as_owner "$PG_TEST_BIN/initdb" -D "$PG_TEST_DIR/data" -U postgres \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_TEST_DIR/initdb.log" 2>&1 || {
        cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
    pg_test_as_owner "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
        -o "-p $port -k $PG_TEST_DIR/socket -c listen_addresses=127.0.0.1 -c max_connections=1000 $durability -c ssl=on -c ssl_cert_file=$PG_TEST_DIR/tls/server.pem -c ssl_key_file=$PG_TEST_DIR/tls/server.key" \
        start >/dev/null || { cat "$PG_TEST_DIR/server.log" >&2; return 1; }
    pg_test_as_owner "$PG_TEST_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$PG_TEST_DIR/socket" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE churnguard_test LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD 'churnguard-test'" \
        -c "CREATE DATABASE churnguard_test OWNER churnguard_test" >/dev/null || return 1
    export CHURNGUARD_TEST_POSTGRES_URL="postgresql://churnguard_test:churnguard-test@127.0.0.1:$port/churnguard_test"
    export CHURNGUARD_TEST_POSTGRES_CA="$PG_TEST_DIR/tls/ca.pem"
    export CHURNGUARD_TEST_POSTGRES_OTHER_CA="$PG_TEST_DIR/tls/other-ca.pem"
    echo "PostgreSQL 15 for the tests on 127.0.0.1:$port, TLS on ($PG_TEST_DIR)" >&2
}

pg_test_stop() {
    [ -n "$PG_TEST_DIR" ] || return 0
    if [ -d "$PG_TEST_DIR/data" ]; then
        pg_test_as_owner "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TEST_DIR"
    PG_TEST_DIR=""
}

# Backup and restore check: migrates a source database with the churnguard binary ($1),
# ingests points spread over weekly partitions and the default one, backs it up with
# scripts/backup, restores the file with scripts/restore into a new database as the superuser
# (restoring forced row-level security needs a role that bypasses it) and compares every point.
pg_test_backup_restore() {
    local bin="$1" port socket src dst url_src url_dst org file
    port="${CHURNGUARD_TEST_POSTGRES_URL##*:}"; port="${port%%/*}"
    socket="$PG_TEST_DIR/socket"
    src="cg_backup_src_$$"; dst="cg_backup_dst_$$"
    local super=(pg_test_as_owner "$PG_TEST_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$socket" -p "$port" -U postgres)
    "${super[@]}" -d postgres -c "CREATE DATABASE $src OWNER churnguard_test" >/dev/null
    url_src="${CHURNGUARD_TEST_POSTGRES_URL%/*}/$src"; url_dst="${CHURNGUARD_TEST_POSTGRES_URL%/*}/$dst"
    export ANALYTICS_DB_BACKEND=postgres
    TIMESCALEDB_URL="$url_src" "$bin" migrate >/dev/null 2>&1
    org=$(TIMESCALEDB_URL="$url_src" "$bin" org create backup-check 2>/dev/null | sed -E 's/.*"organization_id":"([^"]+)".*/\1/')
    file="$PG_TEST_DIR/points.csv"
    # 1000 points two hours apart, all in the past (the accepted range ends a day ahead of now).
    {
        echo "timestamp,metric_name,value,customer_id"
        for i in $(seq 0 999); do echo "$(( $(date +%s) - 86400 * 100 + i * 7200 )),logins,$i,c-$((i % 7))"; done
    } >"$file"
    chmod a+r "$file"
    TIMESCALEDB_URL="$url_src" "$bin" ingest --org "$org" "$file" >/dev/null \
        || { echo "backup/restore check FAILED: could not load the sample points" >&2; return 1; }
    TIMESCALEDB_URL="$url_src" scripts/backup --dir "$PG_TEST_DIR/backups" 2>/dev/null
    RESTORE_ADMIN_URL="postgresql://postgres@/postgres?host=$socket&port=$port" \
        scripts/restore "$(ls -t "$PG_TEST_DIR"/backups/churnguard_*.sql.gz | head -1)" "$dst" --owner churnguard_test >/dev/null \
        || { echo "backup/restore check FAILED: scripts/restore failed" >&2; return 1; }
    TIMESCALEDB_URL="$url_dst" "$bin" migrate --status >/dev/null \
        || { echo "backup/restore check FAILED: the restored schema is not current" >&2; return 1; }
    local query="SELECT count(*) || ' ' || md5(string_agg(id || timestamp::text || value || tags::text, ',' ORDER BY id)) FROM time_series_data"
    local before after
    before=$(PGOPTIONS="-c churnguard.scope=system" "$PG_TEST_BIN/psql" -At "$url_src" -c "$query")
    after=$(PGOPTIONS="-c churnguard.scope=system" "$PG_TEST_BIN/psql" -At "$url_dst" -c "$query")
    unset ANALYTICS_DB_BACKEND
    "${super[@]}" -d postgres -c "DROP DATABASE $src WITH (FORCE)" -c "DROP DATABASE $dst WITH (FORCE)" >/dev/null
    if [ "$before" != "$after" ] || [ "${before%% *}" != 1000 ]; then
        echo "backup/restore check FAILED: source '$before', restored '$after'" >&2
        return 1
    fi
    echo "backup/restore check passed: 1000 points, identical after restore" >&2
}
