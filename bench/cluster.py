"""The load test of `make bench` (bench/run.py: closed-loop keep-alive clients, requests/s and p95) against one
node and against both nodes of the cluster, for the business list and the dashboard. Prints one table.

Run inside a cluster: `scripts/cluster.sh .venv/bin/python bench/cluster.py` (it sets CLUSTER_NODE1/2). The data
is what the cluster loads: the demo data (a few hundred businesses), not the bench's million.
"""

import http.client
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.load import hammer

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 15))
THREADS = int(os.environ.get("BENCH_THREADS", 8))  # as bench/run.py
PASSWORD = "demo-umkm-2026"  # noqa: S105 - the public demo password (README)


def log_in(node, username):
    """A session cookie for `username`, logged in through the form on `node`."""
    host, port = urlsplit(node).hostname, urlsplit(node).port
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", "/masuk/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&username={username}&password={PASSWORD}"
    headers = {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded", "Referer": node}
    connection.request("POST", "/masuk/", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    return re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie")).group(1)


def main():
    nodes = [os.environ["CLUSTER_NODE1"], os.environ["CLUSTER_NODE2"]]
    workers = os.environ.get("CLUSTER_GUNICORN_WORKERS", "2")
    pages = [("business list (admin)", "/usaha/", log_in(nodes[0], "admin"))]
    pages.append(("dashboard (dinas.sidoarjo)", "/dasbor/", log_in(nodes[0], "dinas.sidoarjo")))
    for _, path, session in pages:  # every gunicorn worker connected, its templates loaded, the cache warm
        hammer(nodes, path, session, threads=THREADS, seconds=3)
    rows = []
    for name, path, session in pages:
        for label, used in (("1 node", nodes[:1]), ("2 nodes", nodes)):
            rps, p95 = hammer(used, path, session, threads=THREADS, seconds=SECONDS)
            rows.append((name, label, rps, p95))
            print(f"  {name}, {label}: {rps:.0f} req/s, p95 {p95:.1f} ms", flush=True)
    print(
        f"\nCluster load test: {os.cpu_count()} cores, {THREADS} clients, {SECONDS} s each, "
        f"{workers} gunicorn workers per node, demo data"
    )
    print(f"{'page':<28} {'nodes':<8} {'req/s':>8} {'p95 ms':>8}")
    for name, label, rps, p95 in rows:
        print(f"{name:<28} {label:<8} {rps:>8.0f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
