#!/usr/bin/env python3
r"""Writes the same seeded rows twice: as a CSV and as JSON request bodies for the HTTP API
(one file per batch). The CSV is for `sqlite3 .import` (explicit ids, table column order), or
with --postgres for `psql \copy time_series_data(timestamp, metric_name, organization_id,
value, tags, metadata) FROM … CSV` (RFC 3339 times, empty metadata = NULL).

Rows are one hour apart every 2,500 rows, from --start (epoch seconds, default 1795939200).

usage: make_rows.py OUT_DIR ORGANIZATION_ID ROWS BATCH_SIZE [--start EPOCH] [--postgres]
"""
import argparse
import datetime
import json
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("org")
parser.add_argument("rows", type=int)
parser.add_argument("batch_size", type=int)
parser.add_argument("--start", type=int, default=1_795_939_200)
parser.add_argument("--postgres", action="store_true")
options = parser.parse_args()
out, org, rows, batch_size = options.out, options.org, options.rows, options.batch_size
start, postgres = options.start, options.postgres
random.seed(7)
metrics = ["churn_risk_score", "customer_activity", "logins", "support_tickets", "mrr"]
segments = ["smb", "mid_market", "enterprise"]
plans = ["starter", "growth", "business", "enterprise"]
os.makedirs(os.path.join(out, "bodies"), exist_ok=True)
with open(os.path.join(out, "rows.csv"), "w") as csv:
    batch = []
    batch_no = 0
    for i in range(rows):
        metric = metrics[i % 5]
        customer = (i // 5) % 500
        ts = start + (i // 2500) * 3600
        value = round(random.random() * 100, 3)
        tags = {"customer_id": "cust_%04d" % customer, "plan": plans[customer % 4], "segment": segments[customer % 3]}
        tags_json = json.dumps(tags, separators=(",", ":"), sort_keys=True)
        if postgres:
            # timestamp,metric_name,organization_id,value,tags,metadata (empty: NULL)
            when = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat()
            csv.write('%s,%s,%s,%r,"%s",\n' % (when, metric, org, value, tags_json.replace('"', '""')))
        else:
            # id,timestamp(us),metric_name,organization_id,value,tags,metadata,created_at
            csv.write('%d,%d,%s,%s,%r,"%s",,%d\n' % (i + 1, ts * 1_000_000, metric, org, value,
                                                     tags_json.replace('"', '""'), ts * 1_000_000))
        batch.append({"metric_name": metric, "timestamp": ts, "value": value, "tags": tags})
        if len(batch) == batch_size or i == rows - 1:
            with open(os.path.join(out, "bodies", "%06d.json" % batch_no), "w") as body:
                json.dump({"points": batch}, body, separators=(",", ":"))
            batch = []
            batch_no += 1
