"""One round of the interleaved timing (bench/run.py's catalogue rows, bench/interleave.py): the floor page,
then the page, back to back, so the machine's load moves both alike."""

import time


def _timed(client, url):
    """One GET of `url`: ((wall seconds, this process's CPU seconds), response)."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    return (time.perf_counter() - wall, time.process_time() - cpu), response


def floor_then_page(floor_client, floor_url, client, url, before=None):
    """Time `floor_url`, run `before()` untimed (if any), then time `url`, which must answer 200; returns
    ((floor wall, floor CPU), (page wall, page CPU)) in seconds, the CPU being this process's (the database
    server's time is not in it)."""
    floor, _response = _timed(floor_client, floor_url)
    if before:
        before()
    page, response = _timed(client, url)
    assert response.status_code == 200, (url, response.status_code)
    return floor, page
