"""Code run by a fresh Django process, for what only a process of its own shows (settings read from the
environment, logging set up at start, a cache shared between processes)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_shell(code, **env):
    """Run `code` with `manage.py shell -c` in a new process with `env` added; fail on a non-zero exit."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result


def free_port():
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """The test database's URL, for a process of its own (the test's data must be committed to be seen)."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


README_FLAGS = ["--workers", "3"]  # README, "Deploying", step 4


def start_gunicorn(port, log, **env):
    """The README's production command (`gunicorn -c umkm_portal/gunicorn.conf.py umkm_portal.wsgi --workers 3
    --bind ...`, gunicorn's default 30 s timeout) on loopback, its output in the file `log`; returns the Popen."""
    command = [sys.executable, "-m", "gunicorn", "-c", "umkm_portal/gunicorn.conf.py", "umkm_portal.wsgi"]
    return subprocess.Popen(
        [*command, *README_FLAGS, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_worker(worker_id, log, **env):
    """`manage.py run_worker` in a process of its own, its output in the file `log`; returns the Popen."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--worker-id", worker_id, "--interval", "0.2"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process, timeout=15):
    """SIGTERM, then SIGKILL if it has not stopped after `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_memory_mb(pid):
    """The largest resident memory the process `pid` has had (VmHWM), in MB; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kilobytes = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return kilobytes and round(kilobytes / 1024)
