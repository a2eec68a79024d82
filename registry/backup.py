"""Backups: the database as a pg_dump archive and the uploaded files as a tar, side by side in one folder.

`manage.py backup` writes them; `manage.py restore <folder>` puts both back. Keep backups encrypted
and off the server (SECURITY.md): they hold every owner's personal data.
"""

import glob
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"


def pg_tool(name):
    """The newest pg_dump/pg_restore: the server's own version under /usr/lib/postgresql, else PATH."""
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]), reverse=True):
        candidate = Path(directory) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise CommandError(f"{name} not found: install the PostgreSQL client tools.")
    return found


def _connection_env():
    """Arguments and environment for the PostgreSQL tools, from the default database's settings."""
    db = connections["default"].settings_dict
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432), "--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return db["NAME"], args, env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv)
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")


def backup(target_dir):
    """Write database.dump and media.tar.gz into a new folder under `target_dir`; return the folder."""
    folder = Path(target_dir) / f"umkm-portal-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    name, args, env = _connection_env()
    _run([pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(folder / DATABASE_FILE), name], env)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    return folder


def restore(folder):
    """Replace the database's contents and the uploaded files with the backup in `folder`."""
    folder = Path(folder)
    dump, media_archive = folder / DATABASE_FILE, folder / MEDIA_FILE
    if not dump.exists() or not media_archive.exists():
        raise CommandError(f"{folder} is not a backup: it needs {DATABASE_FILE} and {MEDIA_FILE}.")
    connections.close_all()
    name, args, env = _connection_env()
    _run(
        [
            pg_tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            name,
            str(dump),
        ],
        env,
    )
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(media_archive, "r:gz") as archive:
        archive.extractall(media, filter="data")  # "data" refuses absolute paths, "..", links outside
