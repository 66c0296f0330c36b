"""Assertions of scripts/lib/scrape-check.sh, against Prometheus' HTTP API, the exposition
and the service's log files (paths and the API key in the environment)."""
import glob
import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request

PROMETHEUS = os.environ["SCRAPE_PROMETHEUS"]
problems = []


def query(expr):
    url = f"{PROMETHEUS}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=5) as answer:
        body = json.load(answer)
    if body.get("status") != "success":
        raise RuntimeError(f"query {expr!r}: {body}")
    return body["data"]["result"]


def wait_for(expr, condition, seconds=60):
    deadline = time.time() + seconds
    result = []
    while time.time() < deadline:
        try:
            result = query(expr)
            if condition(result):
                return result
        except OSError:
            pass
        time.sleep(0.5)
    problems.append(f"{expr}: condition not met within {seconds} s; last answer {result}")
    return result


def has(series, **labels):
    return any(all(r["metric"].get(k) == v for k, v in labels.items()) for r in series)


points_template = "/api/v1/analytics/metrics/{name}/points"
requests = wait_for("churnguard_requests_total", lambda r: has(r, endpoint=points_template, status="200"))
for labels in (
    dict(job="churnguard", method="POST", endpoint="/api/v1/analytics/metrics", status="200"),
    dict(method="GET", endpoint=points_template, status="200"),
    dict(method="GET", endpoint="/api/v1/analytics/metrics", status="401"),
    dict(method="GET", endpoint="unmatched", status="404"),
):
    if not has(requests, **labels):
        problems.append(f"churnguard_requests_total has no series with {labels}")
gets = [r for r in requests if r["metric"].get("endpoint") == points_template and r["metric"].get("status") == "200"]
if gets and float(gets[0]["value"][1]) != 2:
    problems.append(f"two reads of two metric names must count 2 under one template, got {gets[0]['value'][1]}")
for r in requests:
    if set(r["metric"]) - {"__name__", "job", "instance"} != {"method", "endpoint", "status"}:
        problems.append(f"unexpected labels {r['metric']}")
    if "raw_path_value_7" in r["metric"].get("endpoint", "") or "churn_risk_score" in r["metric"].get("endpoint", ""):
        problems.append(f"a raw path became a label: {r['metric']}")

checks = {
    'up{job="churnguard"}': lambda r: r and float(r[0]["value"][1]) == 1,
    "churnguard_request_duration_seconds_bucket": lambda r: len(r) > 0,
    "churnguard_active_connections": lambda r: len(r) == 1,
    'churnguard_database_query_duration_seconds_count{query_type="insert_points"}': lambda r: r and float(r[0]["value"][1]) >= 1,
    "churnguard_ingest_points_accepted_total": lambda r: r and float(r[0]["value"][1]) == 50,
    "churnguard_ingest_queue_depth_points": lambda r: len(r) == 1,
    "churnguard_ingest_group_commit_points_count": lambda r: r and float(r[0]["value"][1]) >= 1,
    'churnguard_worker_runs_total{service="aggregation"}': lambda r: r and float(r[0]["value"][1]) >= 1,
    "churnguard_rollup_lag_seconds": lambda r: r and 0 <= float(r[0]["value"][1]) < 60,
    "churnguard_api_key_cache_total": lambda r: has(r, result="miss"),
    "churnguard_rate_limited_total": lambda r: len(r) == 1,
}
for expr, condition in checks.items():
    wait_for(expr, condition, seconds=30)

# Every metric name a dashboard query uses exists in /metrics (or is listed as pending).
exposition = open(os.environ["SCRAPE_METRICS"]).read()
families = set(re.findall(r"^# TYPE (\S+) ", exposition, re.M))
pending, on_demand = set(), set()
for line in open("deploy/grafana/pending-metrics.txt"):
    words = line.split()
    if words and not words[0].startswith("#"):
        (pending if words[0] == "pending" else on_demand).add(words[1])
dashboard = json.load(open("deploy/grafana/churnguard-analytics.json"))
used = set()
for panel in dashboard["panels"]:
    for target in panel.get("targets", []):
        for name in re.findall(r"\bchurnguard_[a-z0-9_]+", target["expr"]):
            used.add(re.sub(r"_(bucket|sum|count)$", "", name) if re.sub(r"_(bucket|sum|count)$", "", name) in families else name)
for name in sorted(used):
    if name in pending:
        if name in families:
            problems.append(f"{name} is in /metrics now: remove it from deploy/grafana/pending-metrics.txt")
    elif name not in families and name not in on_demand:
        problems.append(f"the dashboard queries {name}, which /metrics does not have")
for rule_file in glob.glob("deploy/prometheus/rules/*.yml"):
    for name in set(re.findall(r"\bchurnguard_[a-z0-9_]+", open(rule_file).read())):
        if name not in families and name not in pending and name not in on_demand:
            problems.append(f"{rule_file} uses {name}, which /metrics does not have")

# Logs: every line a JSON object with the structured fields; the access line of the traced
# request carries its id, trace, route, status, duration and organization; no key anywhere.
key = os.environ["SCRAPE_KEY"]
secret = key.split("_", 2)[-1]
lines = []
for path in sorted(glob.glob(os.path.join(os.environ["SCRAPE_LOGS"], "*"))):
    text = open(path, encoding="utf-8").read()
    if text and not text.endswith("\n"):
        problems.append(f"{path} ends mid-line")
    lines += text.splitlines()
if not lines:
    problems.append("the service wrote no log lines to logging.file")
for line in lines:
    if key in line or secret in line:
        problems.append(f"an API key appears in the log: {line[:200]}")
        break
    try:
        record = json.loads(line)
    except ValueError:
        problems.append(f"not a JSON line: {line[:200]}")
        break
    if not {"time", "level", "message"} <= record.keys():
        problems.append(f"missing time/level/message: {line[:200]}")
        break
traced = [json.loads(l) for l in lines if '"scrape-check-1"' in l and "request completed" in l]
if not traced:
    problems.append("no access line with request_id scrape-check-1")
else:
    record = traced[0]
    expected = {"request_id": "scrape-check-1", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                "route": "/api/v1/analytics/metrics", "status": "200"}
    for field, value in expected.items():
        if record.get(field) != value:
            problems.append(f"access line {field} = {record.get(field)!r}, expected {value!r}")
    for field in ("organization_id", "duration_ms"):
        if not record.get(field):
            problems.append(f"access line has no {field}")

if problems:
    print("scrape check FAILED:")
    for problem in problems:
        print("  " + problem)
    sys.exit(1)
print(f"scrape check passed: {len(requests)} request series, {len(families)} metric families, "
      f"{len(used)} dashboard metrics, {len(lines)} log lines without a key")
