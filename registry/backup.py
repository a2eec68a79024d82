"""Backups: the database as a pg_dump archive and the stored files as a tar, side by side in one folder.

`manage.py backup` writes them; `manage.py restore <folder>` puts both back. The files are read and
written through the default storage, wherever it is (the local folder or an S3 bucket), so a backup taken
on one restores to the other. Keep backups encrypted and off the server (SECURITY.md): they hold every
owner's personal data.
"""

import glob
import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from umkm_portal.storage import walk_files

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
    """Write database.dump and media.tar.gz (every stored file) into a new folder under `target_dir`.

    Returns (the folder, how many files were saved)."""
    folder = Path(target_dir) / f"umkm-portal-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    name, args, env = _connection_env()
    _run([pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(folder / DATABASE_FILE), name], env)
    saved, now = 0, time.time()
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        for stored in walk_files(default_storage):
            try:
                handle = default_storage.open(stored, "rb")
            except FileNotFoundError:  # removed since it was listed (a cleanup running beside the backup)
                continue
            with handle:
                info = tarfile.TarInfo(stored)
                info.size, info.mtime = handle.size, now
                archive.addfile(info, handle)
            saved += 1
    return folder, saved


def _stored_name(member):
    """The storage name of a tar member, or None for anything that is not a plain file inside the storage."""
    name = member.name.removeprefix("./")
    parts = PurePosixPath(name).parts
    if not member.isfile() or not parts or name.startswith("/") or ".." in parts:
        return None
    return name


def restore(folder):
    """Replace the database's contents with the backup in `folder` and write its files back; return how many.

    Files in the storage that the backup does not have are left alone (`cleanup_files` removes orphans)."""
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
    restored = 0
    with tarfile.open(media_archive, "r:gz") as archive:
        for member in archive:
            stored = _stored_name(member)
            if stored is None:
                continue
            # The rows name these exact files: replace one that exists instead of saving under a new name.
            default_storage.delete(stored)
            content = File(archive.extractfile(member), name=stored)
            content.size = member.size
            if default_storage.save(stored, content) != stored:
                raise CommandError(f"{stored} could not be restored under its own name.")
            restored += 1
    return restored
