"""The load test of `make bench` and of the cluster (bench/run.py, bench/cluster.py): closed-loop keep-alive clients."""

import http.client
import threading
import time
from urllib.parse import urlsplit


def hammer(nodes, path, session, *, threads=8, seconds=15):
    """`threads` keep-alive clients spread over `nodes` (base URLs, a load balancer's round robin), each
    asking for `path` with the session cookie again and again for `seconds`; returns (requests/s, p95 ms)."""
    latencies, stop, lock = [], time.perf_counter() + seconds, threading.Lock()

    def client(node):
        connection = http.client.HTTPConnection(urlsplit(node).hostname, urlsplit(node).port, timeout=60)
        mine = []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (node, path, response.status)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=client, args=(nodes[i % len(nodes)],)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    latencies.sort()
    return len(latencies) / seconds, latencies[int(len(latencies) * 0.95)]
