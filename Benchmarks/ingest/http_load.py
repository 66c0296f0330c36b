#!/usr/bin/env python3
"""Posts every pre-built body in BODIES_DIR to the ingest route over CONNECTIONS keep-alive
connections and prints the wall time and the points acknowledged. Exits non-zero on any
non-200 answer.

usage: http_load.py PORT API_KEY BODIES_DIR CONNECTIONS
"""
import http.client
import json
import os
import sys
import threading
import time

port, key, folder, connections = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
bodies = [open(os.path.join(folder, name), "rb").read() for name in sorted(os.listdir(folder))]
lock = threading.Lock()
next_index = [0]
accepted = [0]
failures = []


def worker():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while True:
        with lock:
            if next_index[0] >= len(bodies):
                break
            body = bodies[next_index[0]]
            next_index[0] += 1
        conn.request("POST", "/api/v1/analytics/metrics", body=body,
                      headers={"X-API-Key": key, "Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        with lock:
            if response.status == 200:
                accepted[0] += json.loads(data)["accepted"]
            else:
                failures.append((response.status, data[:200]))
    conn.close()


started = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(connections)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "accepted": accepted[0], "failures": len(failures)}))
if failures:
    print(failures[:3], file=sys.stderr)
    sys.exit(1)
