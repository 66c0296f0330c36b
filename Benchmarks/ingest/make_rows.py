#!/usr/bin/env python3
"""Writes the same seeded rows twice: as a CSV for `sqlite3 .import` (explicit ids, table
column order) and as JSON request bodies for the HTTP API (one file per batch).

usage: make_rows.py OUT_DIR ORGANIZATION_ID ROWS BATCH_SIZE
"""
import json
import os
import random
import sys

out, org, rows, batch_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
random.seed(7)
metrics = ["churn_risk_score", "customer_activity", "logins", "support_tickets", "mrr"]
segments = ["smb", "mid_market", "enterprise"]
plans = ["starter", "growth", "business", "enterprise"]
start = 1_795_939_200
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
        # id,timestamp(us),metric_name,organization_id,value,tags,metadata,created_at
        csv.write('%d,%d,%s,%s,%r,"%s",,%d\n' % (i + 1, ts * 1_000_000, metric, org, value,
                                                 tags_json.replace('"', '""'), ts * 1_000_000))
        batch.append({"metric_name": metric, "timestamp": ts, "value": value, "tags": tags})
        if len(batch) == batch_size or i == rows - 1:
            with open(os.path.join(out, "bodies", "%06d.json" % batch_no), "w") as body:
                json.dump({"points": batch}, body, separators=(",", ":"))
            batch = []
            batch_no += 1
