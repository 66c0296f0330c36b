#!/usr/bin/env python3
"""WebSocket fan-out: SUBSCRIBERS connections of one organization subscribe to one series, then
POINTS points are posted over HTTP one at a time (every INTERVAL seconds); each subscriber
timestamps the arrival of each point. Prints one JSON line: the latency from the moment the
POST was sent to each delivery (p50, p99, max), the POST's own latency (commit and answer,
for reference: a delivery can arrive before the answer), and how many deliveries were missed.

usage: fanout.py PORT API_KEY SUBSCRIBERS POINTS INTERVAL
"""
import asyncio
import datetime
import json
import statistics
import sys
import time
import urllib.request

import websockets

port, key = int(sys.argv[1]), sys.argv[2]
subscribers, points, interval = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
metric = "fanout_probe"
tags = {"customer_id": "fanout-0"}


async def subscriber(ready: asyncio.Event, arrivals: list, connected: list):
    uri = f"ws://127.0.0.1:{port}/ws/v1/stream"
    async with websockets.connect(uri, additional_headers={"X-API-Key": key}, max_queue=None,
                                  ping_interval=None, open_timeout=60) as socket:
        await socket.send(json.dumps({"subscribe": [{"metric_name": metric, "tags": tags}]}))
        while True:
            message = json.loads(await socket.recv())
            if message.get("type") == "subscribed":
                break
        connected.append(1)
        await ready.wait()
        seen = 0
        while seen < points:
            try:
                message = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
            except asyncio.TimeoutError:
                return
            if message.get("type") == "point" and message.get("metric_name") == metric:
                arrivals.append((int(message["value"]), time.monotonic()))
                seen += 1


def post(sequence: int) -> float:
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat()
    body = json.dumps({"points": [{"metric_name": metric, "timestamp": stamp, "value": sequence, "tags": tags}]}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/analytics/metrics", data=body, method="POST",
                                     headers={"X-API-Key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()
    return time.monotonic()


async def main():
    ready = asyncio.Event()
    arrivals: list = []
    connected: list = []
    tasks = []
    for _ in range(subscribers):
        tasks.append(asyncio.create_task(subscriber(ready, arrivals, connected)))
        await asyncio.sleep(0.002)
    while len(connected) < subscribers:
        failed = [t for t in tasks if t.done() and t.exception()]
        if failed:
            raise failed[0].exception()
        await asyncio.sleep(0.05)
    ready.set()
    sent, answered = {}, []
    loop = asyncio.get_running_loop()
    for sequence in range(points):
        sent[sequence] = time.monotonic()
        answered.append(await loop.run_in_executor(None, post, sequence) - sent[sequence])
        await asyncio.sleep(interval)
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted(arrived - sent[sequence] for sequence, arrived in arrivals)
    def quantile(values, q):
        return values[min(len(values) - 1, int(q * len(values)))] if values else None
    print(json.dumps({
        "subscribers": subscribers, "points": points, "deliveries": len(latencies),
        "missed": subscribers * points - len(latencies),
        "delivery_ms": {"p50": round(quantile(latencies, 0.5) * 1000, 2), "p99": round(quantile(latencies, 0.99) * 1000, 2),
                        "max": round(latencies[-1] * 1000, 2)},
        "post_ms": {"p50": round(statistics.median(answered) * 1000, 2), "max": round(max(answered) * 1000, 2)},
    }))


asyncio.run(main())
