#!/usr/bin/env python3
"""Disk-full harness: concurrent ingest into SQLite on a size-limited file system.

CLIENTS threads post batches of POINTS points (each with its own `Idempotency-Key` and a
`batch` tag) until the file system is full and each client has seen FULL_ANSWERS answers
`503 storage_full`. Then: `/ready` must say "database storage is full" while reads still
answer; the file system is enlarged (GROW_COMMAND); `/ready` must come back by itself, without
a restart; every batch refused as `storage_full` is sent again with the same key and bytes and
must be stored now (not replayed: it was certainly not stored before). Finally the server is
stopped and the store is counted per batch tag (COUNT_COMMAND prints `batch count` lines).

Verdict: every acknowledged batch has exactly POINTS points, no refused batch had been stored,
no answer was a 2xx for a batch that is missing. Prints one JSON line; exits 1 on any failure.

usage: disk_full_harness.py BIN PORT KEY CLIENTS POINTS GROW_COMMAND COUNT_COMMAND
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

binary, port, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
clients, points_per_batch = int(sys.argv[4]), int(sys.argv[5])
grow_command, count_command = sys.argv[6], sys.argv[7]
full_answers = int(os.environ.get("FULL_ANSWERS", "5"))
base_time = int(time.time()) - 10 * 86400
url = f"http://127.0.0.1:{port}"


def start_server():
    log = open(os.environ.get("DISK_SERVER_LOG", os.devnull), "ab")
    server = subprocess.Popen([binary, "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log)
    for _ in range(600):
        if ready()[0] == 200:
            return server
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode} while starting")
        time.sleep(0.05)
    raise SystemExit("server did not become ready")


def ready():
    try:
        with urllib.request.urlopen(f"{url}/ready", timeout=5) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except (urllib.error.URLError, ConnectionError, OSError):
        return None, {}


def body(batch_id: str, sequence: int) -> bytes:
    points = [{"metric_name": "disk_probe", "timestamp": base_time + (sequence % 100_000) + i, "value": float(i),
               "tags": {"batch": batch_id, "padding": "p" * 120}} for i in range(points_per_batch)]
    return json.dumps({"points": points}).encode()


def send(batch_id: str, payload: bytes):
    """Returns ('acked'|'replayed'|'full'|'unknown', detail)."""
    request = urllib.request.Request(f"{url}/api/v1/analytics/metrics", data=payload, method="POST",
                                     headers={"X-API-Key": key, "Content-Type": "application/json", "Idempotency-Key": batch_id})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
            return ("replayed" if answer.headers.get("Idempotent-Replayed") == "true" else "acked"), None
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            code = json.loads(text)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = None
        if error.code == 503 and code == "storage_full":
            return "full", None
        if error.code >= 500:
            return "unknown", f"{error.code} {text[:200]!r}"
        raise SystemExit(f"batch {batch_id}: unexpected {error.code} {text[:300]!r}")
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        return "unknown", str(error)


class Client(threading.Thread):
    def __init__(self, number: int):
        super().__init__(daemon=True)
        self.number, self.next = number, 0
        self.acked, self.full, self.unknown, self.payloads = set(), [], [], {}

    def run(self):
        while len(self.full) < full_answers and self.next < 100_000:
            batch_id = f"c{self.number}-b{self.next}"
            payload = body(batch_id, self.number * 1_000_000 + self.next)
            self.payloads[batch_id] = payload
            self.next += 1
            outcome, detail = send(batch_id, payload)
            if outcome == "acked":
                self.acked.add(batch_id)
            elif outcome == "full":
                self.full.append(batch_id)
            else:
                self.unknown.append((batch_id, outcome, detail))


failures = []
server = start_server()
threads = [Client(n) for n in range(clients)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=600)
status, answer = ready()
if status != 503 or answer.get("reason") != "database storage is full":
    failures.append(f"/ready while full answered {status} {answer}")
with urllib.request.urlopen(urllib.request.Request(f"{url}/api/v1/analytics/metrics", headers={"X-API-Key": key}), timeout=10) as listed:
    if listed.status != 200:
        failures.append(f"reads failed while full: {listed.status}")

subprocess.run(grow_command, shell=True, check=True)
recovered_after = None
started = time.time()
while time.time() - started < 30:
    if ready()[0] == 200:
        recovered_after = round(time.time() - started, 2)
        break
    time.sleep(0.2)
if recovered_after is None:
    failures.append("/ready did not recover within 30 s after space was freed")

refused = [(client, batch_id) for client in threads for batch_id in client.full]
for client, batch_id in refused:
    outcome, detail = send(batch_id, client.payloads[batch_id])
    if outcome == "acked":
        client.acked.add(batch_id)
    elif outcome == "replayed":
        failures.append(f"{batch_id} was answered storage_full but had been stored")
        client.acked.add(batch_id)
    else:
        failures.append(f"{batch_id}: retry after space was freed answered {outcome} {detail}")
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)

counts = {}
for line in subprocess.run(count_command, shell=True, check=True, capture_output=True, text=True).stdout.splitlines():
    if line.strip():
        batch_id, count = line.rsplit(None, 1)
        counts[batch_id] = int(count)
acked = set().union(*(client.acked for client in threads))
unknown = [entry for client in threads for entry in client.unknown]
lost = sorted(b for b in acked if counts.get(b, 0) < points_per_batch)
duplicated = sorted(b for b in counts if counts[b] > points_per_batch)
partial = sorted(b for b in counts if 0 < counts[b] < points_per_batch)
strangers = sorted(b for b in counts if b not in acked and b not in {u[0] for u in unknown})
report = {"clients": clients, "batches_sent": sum(c.next for c in threads), "acknowledged_before_full": sum(len(c.acked) for c in threads) - len(refused),
          "refused_storage_full": len(refused), "other_errors": len(unknown), "recovered_after_seconds": recovered_after,
          "acknowledged_total": len(acked), "lost": len(lost), "duplicated": len(duplicated), "partial": len(partial),
          "stored_without_acknowledgement": len(strangers)}
print(json.dumps(report))
if unknown:
    failures.append(f"answers other than 2xx or storage_full: {unknown[:5]}")
if lost or duplicated or partial or strangers or failures or not refused:
    print(json.dumps({"failures": failures, "lost": lost[:10], "duplicated": duplicated[:10], "partial": partial[:10],
                      "stored_without_acknowledgement": strangers[:10], "refused": len(refused)}), file=sys.stderr)
    sys.exit(1)
