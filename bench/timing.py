"""One round of the interleaved timing (bench/run.py's catalogue rows, bench/interleave.py): the floor page,
then the page, back to back, so the machine's load moves both alike."""

import time


def floor_then_page(floor_client, floor_url, client, url, before=None):
    """Time `floor_url`, run `before()` untimed (if any), then time `url`, which must answer 200; returns
    (floor seconds, page seconds)."""
    start = time.perf_counter()
    floor_client.get(floor_url)
    floor = time.perf_counter() - start
    if before:
        before()
    start = time.perf_counter()
    response = client.get(url)
    page = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return floor, page
