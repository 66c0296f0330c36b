#!/usr/bin/env python3
"""Soak: a steady mixed load on a running `churnguard serve` for MINUTES minutes.

- ingest: POINTS_PER_SECOND points per second in batches of 100 (500 customers × 5 metrics),
  paced, over one keep-alive connection per 1,000 points/s (at least 2);
- queries: 5 reads per second (catalog, points of one customer, hourly aggregates, the
  real-time statistics), over 1 connection;
- SUBSCRIBERS WebSocket subscribers of two metrics, counting what they receive.

Every 10 s it samples the server's resident memory (/proc/PID/status); each minute it prints
one JSON line (requests, errors, p50/p99 latency of ingest and of queries, RSS). At the end a
summary: total errors, RSS at the end of the first minute vs the last (growth, %), the latency
p99 of the first full minute vs the last. Exits 1 on any error.

usage: soak.py PORT API_KEY SERVER_PID MINUTES POINTS_PER_SECOND SUBSCRIBERS
"""
import asyncio
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

import websockets

port, key, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
minutes, rate, subscribers = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
metrics = ["churn_risk_score", "customer_activity", "logins", "support_tickets", "mrr"]
segments, plans = ["smb", "mid_market", "enterprise"], ["starter", "growth", "business"]
deadline = time.monotonic() + minutes * 60
lock = threading.Lock()
window = {"ingest": [], "query": [], "errors": 0, "requests": 0}
totals = {"requests": 0, "errors": 0, "points": 0}
error_samples = []


def record(kind, seconds, ok, detail=""):
    with lock:
        window[kind].append(seconds)
        window["requests"] += 1
        totals["requests"] += 1
        if not ok:
            window["errors"] += 1
            totals["errors"] += 1
            if len(error_samples) < 10:
                error_samples.append(detail[:200])


def request(conn, method, path, body=None):
    headers = {"X-API-Key": key}
    if body is not None:
        headers["Content-Type"] = "application/json"
    started = time.monotonic()
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        # A real-time read before the first point of the series is live is an honest 404.
        ok = answer.status < 400 or (answer.status == 404 and b"not_live" in data)
        return time.monotonic() - started, ok, f"{answer.status} {data[:150]!r}"
    except Exception as error:  # a dropped connection is an error of the soak, then reconnect
        conn.close()
        return time.monotonic() - started, False, repr(error)


def ingester(share):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    batches_per_second = max(1, share // 100)
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        now = int(time.time())
        points = []
        for _ in range(100):
            customer = random.randrange(500)
            points.append({"metric_name": random.choice(metrics), "timestamp": now - random.randrange(60), "value": round(random.random() * 100, 3),
                           "tags": {"customer_id": f"cust_{customer:04d}", "segment": segments[customer % 3], "plan": plans[customer % 3]}})
        seconds, ok, detail = request(conn, "POST", "/api/v1/analytics/metrics", json.dumps({"points": points}))
        record("ingest", seconds, ok, detail)
        if ok:
            with lock:
                totals["points"] += 100
        next_at += 1 / batches_per_second
        time.sleep(max(0, next_at - time.monotonic()))


def querier():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        customer = f"cust_{random.randrange(500):04d}"
        since = urllib.parse.quote(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600)))
        path = random.choice([
            "/api/v1/analytics/metrics",
            f"/api/v1/analytics/metrics/churn_risk_score/points?tag.customer_id={customer}&from={since}&limit=100",
            f"/api/v1/analytics/metrics/customer_activity/aggregates?resolution=hour&from={since}",
            "/api/v1/analytics/metrics/churn_risk_score/realtime?limit=20",
        ])
        seconds, ok, detail = request(conn, "GET", path)
        record("query", seconds, ok, f"GET {path.split('?')[0]}: {detail}")
        next_at += 0.2
        time.sleep(max(0, next_at - time.monotonic()))


received = [0]


async def subscriber():
    uri = f"ws://127.0.0.1:{port}/ws/v1/stream"
    while time.monotonic() < deadline:
        try:
            async with websockets.connect(uri, additional_headers={"X-API-Key": key}, max_queue=None) as socket:
                await socket.send(json.dumps({"subscribe": ["churn_risk_score", "support_tickets"]}))
                while time.monotonic() < deadline:
                    try:
                        await asyncio.wait_for(socket.recv(), timeout=1)
                        received[0] += 1
                    except asyncio.TimeoutError:
                        pass
                return
        except Exception as error:
            record("query", 0, False, f"websocket: {error!r}")
            await asyncio.sleep(1)


def stream_thread():
    async def main():
        await asyncio.gather(*(subscriber() for _ in range(subscribers)))
    asyncio.run(main())


def rss_bytes():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def quantile(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 2) if values else None


ingesters = max(2, rate // 1000)
threads = [threading.Thread(target=ingester, args=(rate // ingesters,), daemon=True) for _ in range(ingesters)]
threads += [threading.Thread(target=querier, daemon=True), threading.Thread(target=stream_thread, daemon=True)]
for thread in threads:
    thread.start()
minute_lines = []
started = time.monotonic()
minute = 0
while time.monotonic() < deadline:
    time.sleep(max(0, min(60, deadline - time.monotonic())))
    minute += 1
    with lock:
        line = {"minute": minute, "requests": window["requests"], "errors": window["errors"],
                "ingest_ms": {"p50": quantile(window["ingest"], 0.5), "p99": quantile(window["ingest"], 0.99)},
                "query_ms": {"p50": quantile(window["query"], 0.5), "p99": quantile(window["query"], 0.99)},
                "rss_mb": round(rss_bytes() / 1e6, 1), "stream_messages": received[0]}
        window.update({"ingest": [], "query": [], "errors": 0, "requests": 0})
    minute_lines.append(line)
    print(json.dumps(line), flush=True)
for thread in threads[:-1]:
    thread.join(timeout=60)
first, last = minute_lines[0], minute_lines[-1]
summary = {"minutes": minute, "requests": totals["requests"], "points": totals["points"], "errors": totals["errors"],
           "rss_mb_first_minute": first["rss_mb"], "rss_mb_last_minute": last["rss_mb"],
           "rss_growth_percent": round((last["rss_mb"] - first["rss_mb"]) / first["rss_mb"] * 100, 1),
           "ingest_p99_ms_first_last": [first["ingest_ms"]["p99"], last["ingest_ms"]["p99"]],
           "query_p99_ms_first_last": [first["query_ms"]["p99"], last["query_ms"]["p99"]],
           "stream_messages": received[0], "error_samples": error_samples}
print(json.dumps({"summary": summary}), flush=True)
sys.exit(1 if totals["errors"] else 0)
