# A real scrape, sourced by scripts/check-deploy: `churnguard serve` on loopback (SQLite in a
# temporary folder, /metrics on its own port, structured logs to a rotated file at trace
# level), some traffic, then Debian's Prometheus scraping it every second. Prometheus' HTTP
# API must return the guide's series with their labels (route templates, never raw paths);
# promtool check metrics must pass on the exposition; every metric name of the Grafana
# dashboard must exist in it; no log line may hold the API key or its secret.
#
# scrape_check BINARY DIR — pids of started processes are appended to the caller's `pids`.
scrape_check() {
    local binary dir
    binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
    dir="$2"
    mkdir -p "$dir/log" "$dir/prometheus"
    local api_port metrics_port prometheus_port
    read -r api_port metrics_port prometheus_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')
    local settings=(
        ANALYTICS_DB_BACKEND=sqlite SQLITE_PATH="$dir/churnguard.sqlite" API_HOST=127.0.0.1 API_PORT="$api_port"
        MONITORING_METRICS_PORT="$metrics_port" LOGGING_FILE="$dir/log/churnguard.log" LOGGING_FORMAT=structured
        LOG_LEVEL=trace LOGGING_MAX_SIZE_MB=1 LOGGING_BACKUP_COUNT=5 DATA_AGGREGATION_PROCESSING_INTERVAL_SECONDS=1
    )
    local created key
    created=$(cd "$dir" && env "${settings[@]}" "$binary" org create scrape-check)
    key=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["api_key"])' <<<"$created")

    (cd "$dir" && exec env "${settings[@]}" "$binary" serve) >"$dir/serve.out" 2>&1 &
    pids+=($!)
    local api="http://127.0.0.1:$api_port"
    for _ in $(seq 1 100); do
        curl -fsS "$api/health" >/dev/null 2>&1 && break
        sleep 0.2
    done
    curl -fsS "$api/health" >/dev/null || { echo "serve did not start:"; cat "$dir/serve.out"; return 1; }

    # Traffic: ingest, reads by two metric names (one route template), a refused key, a 404.
    local now points
    now=$(date +%s)
    points=$(python3 -c "
import json
print(json.dumps({'points': [{'metric_name': 'churn_risk_score', 'timestamp': $now - 3600 + i * 60, 'value': i / 10,
                              'tags': {'segment': 'smb'}} for i in range(50)]}))")
    local answer
    answer=$(curl -sS -D "$dir/headers.txt" -o /dev/null -w '%{http_code}' -H "X-API-Key: $key" -H 'Content-Type: application/json' \
        -H 'X-Request-ID: scrape-check-1' -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' \
        --data "$points" "$api/api/v1/analytics/metrics")
    [ "$answer" = 200 ] || { echo "ingest answered $answer"; return 1; }
    grep -qi '^x-request-id: scrape-check-1' "$dir/headers.txt" || { echo "X-Request-ID not returned"; return 1; }
    curl -fsS -o /dev/null -H "X-API-Key: $key" "$api/api/v1/analytics/metrics/churn_risk_score/points"
    curl -fsS -o /dev/null -H "X-API-Key: $key" "$api/api/v1/analytics/metrics/raw_path_value_7/points"
    curl -sS -o /dev/null -H "X-API-Key: cg_000000000000_notavalidsecretnotavalidsecret00" "$api/api/v1/analytics/metrics"
    curl -sS -o /dev/null "$api/no/such/route"
    [ "$(curl -sS -o /dev/null -w '%{http_code}' "$api/metrics")" = 404 ] || { echo "/metrics is served on the API port"; return 1; }

    cat >"$dir/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: churnguard
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
CONF
    prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prometheus" \
        --web.listen-address="127.0.0.1:$prometheus_port" >"$dir/prometheus.out" 2>&1 &
    pids+=($!)

    curl -fsS "http://127.0.0.1:$metrics_port/metrics" >"$dir/metrics.txt"
    promtool check metrics <"$dir/metrics.txt" || { echo "promtool check metrics failed"; return 1; }

    SCRAPE_PROMETHEUS="http://127.0.0.1:$prometheus_port" SCRAPE_METRICS="$dir/metrics.txt" \
        SCRAPE_LOGS="$dir/log" SCRAPE_KEY="$key" python3 scripts/lib/scrape_check.py
}
