"""Backups: the database as a pg_dump archive and the stored files as a tar, side by side in one folder.

`manage.py backup` writes them; `manage.py restore <folder>` puts both back. The files are read and
written through the default storage, wherever it is (the local folder or an S3 bucket), so a backup taken
on one restores to the other. A backup holds every owner's personal data: its folder is 0700 and its files
0600 from the moment they exist, and with BACKUP_KEY set both files are sealed (registry.sealed) as
they are written, so no plain copy ever touches the disk. Keep them off the server too (SECURITY.md).
"""

import glob
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from registry.sealed import InvalidTag, SealedReader, SealedWriter, parse_key
from umkm_portal.storage import SPOOL_BYTES, walk_files

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
SEALED_SUFFIX = ".sealed"
COPY_BYTES = 1024 * 1024


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


def _key():
    """BACKUP_KEY's bytes, or None when it is not set."""
    return parse_key(settings.BACKUP_KEY) if settings.BACKUP_KEY else None


def _private_file(path):
    """Create `path` for writing, readable by this user only (0600) from its first byte."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)  # whatever the umask
    return open(descriptor, "wb")


def _writer(path, key):
    raw = _private_file(path)
    return SealedWriter(raw, key) if key else raw


def _pump(source, command, env, *, into):
    """Run `command`, copying its stdout into `into` (into=False) or `source` into its stdin (into=True)."""
    with tempfile.TemporaryFile() as errors:
        stdin, stdout = (subprocess.PIPE, subprocess.DEVNULL) if into else (subprocess.DEVNULL, subprocess.PIPE)
        process = subprocess.Popen(command, env=env, stdin=stdin, stdout=stdout, stderr=errors)  # noqa: S603 (fixed argv)
        pipe = process.stdin if into else process.stdout
        reader, writer = (source, pipe) if into else (pipe, source)
        try:
            while chunk := reader.read(COPY_BYTES):
                writer.write(chunk)
        except BrokenPipeError:
            pass  # the tool stopped reading: its own error says why
        finally:
            # Closed before waiting, also when reading failed (a wrong key): the tool sees its input end.
            with suppress(BrokenPipeError):
                pipe.close()
            returncode = process.wait()
        if returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()[:500]
            raise CommandError(f"{Path(command[0]).name} failed: {message}")


def backup(target_dir):
    """Write database.dump and media.tar.gz (every stored file) into a new folder under `target_dir`.

    The folder is 0700 and the files 0600; with BACKUP_KEY set they are sealed (*.sealed).
    Returns (the folder, how many files were saved)."""
    key = _key()
    suffix = SEALED_SUFFIX if key else ""
    Path(target_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = Path(target_dir) / f"umkm-portal-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)  # whatever the umask
    name, args, env = _connection_env()
    with _writer(folder / (DATABASE_FILE + suffix), key) as dump:
        _pump(dump, [pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", name], env, into=False)
    saved, now = 0, time.time()
    with _writer(folder / (MEDIA_FILE + suffix), key) as output, tarfile.open(fileobj=output, mode="w|gz") as archive:
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


@contextmanager
def _reading(path, key):
    """Open a backup file for reading, unsealing it when it was sealed."""
    if path.name.endswith(SEALED_SUFFIX):
        if key is None:
            raise CommandError(f"{path.name} is encrypted: set BACKUP_KEY to the key it was made with.")
        try:
            with SealedReader(open(path, "rb"), key) as reader:
                yield reader
        except InvalidTag:
            raise CommandError(
                f"{path.name} cannot be decrypted: BACKUP_KEY is not the key it was made with, or the file is damaged."
            ) from None
    else:
        with open(path, "rb") as reader:
            yield reader


def _backup_file(folder, name):
    """The plain or sealed file `name` in `folder`, or None."""
    for candidate in (folder / name, folder / (name + SEALED_SUFFIX)):
        if candidate.exists():
            return candidate
    return None


def restore(folder):
    """Replace the database's contents with the backup in `folder` and write its files back; return how many.

    A sealed backup needs the BACKUP_KEY it was made with. Files in the storage that the backup does not
    have are left alone (`cleanup_files` removes orphans)."""
    folder = Path(folder)
    dump, media_archive = _backup_file(folder, DATABASE_FILE), _backup_file(folder, MEDIA_FILE)
    if dump is None or media_archive is None:
        raise CommandError(f"{folder} is not a backup: it needs {DATABASE_FILE} and {MEDIA_FILE}.")
    key = _key()
    connections.close_all()
    name, args, env = _connection_env()
    command = [pg_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--single-transaction"]
    with _reading(dump, key) as source:
        _pump(source, [*command, "--dbname", name], env, into=True)
    restored = 0
    with _reading(media_archive, key) as source, tarfile.open(fileobj=source, mode="r|gz") as archive:
        for member in archive:
            stored = _stored_name(member)
            if stored is None:
                continue
            # The rows name these exact files: replace one that exists instead of saving under a new name.
            default_storage.delete(stored)
            # The archive is read as a stream (it may be unsealed on the way), which cannot seek; the S3
            # storage needs to, so each file goes through a spool: memory up to SPOOL_BYTES, then disk.
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
                shutil.copyfileobj(archive.extractfile(member), spool, COPY_BYTES)
                spool.seek(0)
                content = File(spool, name=stored)
                content.size = member.size
                if default_storage.save(stored, content) != stored:
                    raise CommandError(f"{stored} could not be restored under its own name.")
            restored += 1
    return restored
