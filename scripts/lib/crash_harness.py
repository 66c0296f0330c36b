#!/usr/bin/env python3
"""Crash harness: `kill -9` of `churnguard serve` at random moments under concurrent ingest.

Each round starts the server, lets CLIENTS threads post batches of POINTS points (every batch
has its own `Idempotency-Key` and a `batch` tag naming it), and kills the server with SIGKILL
after a random delay. A client records a batch as acknowledged only on a 2xx answer; a batch
whose answer never came (connection reset, 5xx) is *unknown* and is sent again, with the same
key and the same bytes, in the next round, until it is acknowledged. After the last round the
server is started once more, every unknown batch is retried to an answer, and the store is
counted per batch tag straight from the database (COUNT_COMMAND prints `batch count` lines).

Verdict: every acknowledged batch has exactly POINTS points (0 lost, 0 duplicated), and no
batch tag exists that no client sent. Prints one JSON line; exits 1 on any loss or duplicate.

CRASH_WITHOUT_KEYS=1 sends no Idempotency-Key (retries are then plain resends): the harness
must then report duplicates whenever a commit's answer was lost, which shows it can fail.

usage: crash_harness.py BIN PORT KEY ROUNDS CLIENTS POINTS COUNT_COMMAND   (env: the server's settings)
"""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

binary, port, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rounds, clients, points_per_batch = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
count_command = sys.argv[7]
random.seed(int(os.environ.get("CRASH_SEED", "20261201")))
base_time = int(time.time()) - 30 * 86400


def start_server():
    log = open(os.environ.get("CRASH_SERVER_LOG", os.devnull), "ab")
    server = subprocess.Popen([binary, "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
                              stdout=log, stderr=log)
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode} while starting")
        time.sleep(0.05)
    raise SystemExit("server did not become ready")


def body(batch_id: str, sequence: int) -> bytes:
    # Each batch is its own series (its tag), so its times need not differ from other batches'.
    points = [{"metric_name": "crash_probe", "timestamp": base_time + (sequence % 100_000) + i,
               "value": float(i), "tags": {"batch": batch_id}} for i in range(points_per_batch)]
    return json.dumps({"points": points}).encode()


def send(batch_id: str, payload: bytes):
    """Returns 'acked', 'replayed', or 'unknown' (no answer, or a 5xx)."""
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    if os.environ.get("CRASH_WITHOUT_KEYS") != "1":
        headers["Idempotency-Key"] = batch_id
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/analytics/metrics", data=payload, method="POST",
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
            return "replayed" if answer.headers.get("Idempotent-Replayed") == "true" else "acked"
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            return "unknown"
        raise SystemExit(f"batch {batch_id}: unexpected {error.code} {error.read()[:300]!r}")
    except (urllib.error.URLError, ConnectionError, OSError):
        return "unknown"


class Client(threading.Thread):
    def __init__(self, number: int):
        super().__init__(daemon=True)
        self.number = number
        self.next = 0
        self.acked: set = set()
        self.unknown: dict = {}
        self.replayed = 0
        self.stop = threading.Event()

    def run(self):
        # Retry what is unknown first, with the same key and bytes, then send new batches.
        for batch_id in list(self.unknown):
            if self.stop.is_set():
                return
            self.settle(batch_id, self.unknown[batch_id])
        while not self.stop.is_set():
            batch_id = f"c{self.number}-b{self.next}"
            payload = body(batch_id, self.number * 1_000_000 + self.next)
            self.next += 1
            self.unknown[batch_id] = payload
            self.settle(batch_id, payload)

    def settle(self, batch_id: str, payload: bytes):
        outcome = send(batch_id, payload)
        if outcome == "unknown":
            self.stop.set()   # the server is gone; this round is over for this client
            return
        if outcome == "replayed":
            self.replayed += 1
        self.acked.add(batch_id)
        self.unknown.pop(batch_id, None)


state = [Client(n) for n in range(clients)]
kills = 0
for round_number in range(rounds):
    server = start_server()
    threads = []
    for old in state:
        fresh = Client(old.number)
        fresh.next, fresh.acked, fresh.unknown, fresh.replayed = old.next, old.acked, old.unknown, old.replayed
        threads.append(fresh)
    for thread in threads:
        thread.start()
    time.sleep(random.uniform(0.2, 1.5))
    server.send_signal(signal.SIGKILL)
    server.wait()
    kills += 1
    for thread in threads:
        thread.stop.set()
    for thread in threads:
        thread.join(timeout=30)
    state = threads

# Settle every unknown batch against a live server, then stop it cleanly and count.
server = start_server()
for client in state:
    for batch_id, payload in list(client.unknown.items()):
        for _ in range(50):
            outcome = send(batch_id, payload)
            if outcome != "unknown":
                client.replayed += outcome == "replayed"
                client.acked.add(batch_id)
                client.unknown.pop(batch_id)
                break
            time.sleep(0.2)
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)

counts = {}
for line in subprocess.run(count_command, shell=True, check=True, capture_output=True, text=True).stdout.splitlines():
    if line.strip():
        batch_id, count = line.rsplit(None, 1) if " " in line else line.rsplit("|", 1)
        counts[batch_id.strip()] = int(count)
acked = set().union(*(client.acked for client in state))
sent = {f"c{client.number}-b{i}" for client in state for i in range(client.next)}
lost = sorted(b for b in acked if counts.get(b, 0) < points_per_batch)
duplicated = sorted(b for b in acked if counts.get(b, 0) > points_per_batch)
strangers = sorted(b for b in counts if b not in sent)
unsettled = sorted(b for client in state for b in client.unknown)
report = {"rounds": rounds, "kills": kills, "clients": clients, "batches_acknowledged": len(acked),
          "points_acknowledged": len(acked) * points_per_batch, "replayed_answers": sum(c.replayed for c in state),
          "lost": len(lost), "duplicated": len(duplicated), "unexpected_batches": len(strangers),
          "unsettled": len(unsettled)}
print(json.dumps(report))
if lost or duplicated or strangers or unsettled:
    print(json.dumps({"lost": lost[:20], "duplicated": duplicated[:20], "unexpected": strangers[:20],
                      "unsettled": unsettled[:20]}), file=sys.stderr)
    sys.exit(1)
