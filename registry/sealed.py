"""Backup files sealed with BACKUP_KEY, written and read as streams (a dump can be many gigabytes).

cryptography's Fernet seals a whole message in memory, so a file is sealed in 64 KiB chunks with
ChaCha20-Poly1305 in the STREAM construction, as age does: the file starts with MAGIC and a random salt;
its key is HKDF-SHA256(BACKUP_KEY, salt), and chunk i is sealed under the nonce i (11 bytes, big-endian)
followed by 1 for the last chunk and 0 for any other. A chunk changed, moved or dropped, a file cut
short or a wrong key fails to open (InvalidTag) instead of restoring damaged data.
"""

import base64
import binascii
import io
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"UMKMBAK1"
SALT_BYTES = 16
CHUNK = 64 * 1024
TAG_BYTES = 16

__all__ = ["InvalidTag", "SealedReader", "SealedWriter", "generate_key", "parse_key"]


def generate_key():
    """A new BACKUP_KEY: 32 random bytes, URL-safe base64 (as Fernet.generate_key() writes them)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text):
    """Return BACKUP_KEY's 32 bytes; raise ImproperlyConfigured for anything else."""
    try:
        key = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(
            "BACKUP_KEY must be 32 bytes in URL-safe base64; make one with `manage.py backup --generate-key`."
        )
    return key


def _cipher(key, salt):
    file_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"umkm-portal backup").derive(key)
    return ChaCha20Poly1305(file_key)


def _nonce(counter, last):
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class SealedWriter(io.RawIOBase):
    """A writable stream that seals what is written into `raw`; close() seals the last chunk and closes `raw`."""

    def __init__(self, raw, key):
        super().__init__()
        salt = os.urandom(SALT_BYTES)
        self._raw, self._cipher, self._counter, self._pending = raw, _cipher(key, salt), 0, bytearray()
        raw.write(MAGIC + salt)

    def writable(self):
        return True

    def write(self, data):
        self._pending += data
        # Keep at least one byte back: only close() knows which chunk is the last.
        while len(self._pending) > CHUNK:
            self._seal(bytes(self._pending[:CHUNK]), last=False)
            del self._pending[:CHUNK]
        return len(data)

    def _seal(self, plaintext, *, last):
        self._raw.write(self._cipher.encrypt(_nonce(self._counter, last), plaintext, None))
        self._counter += 1

    def close(self):
        if not self.closed:
            self._seal(bytes(self._pending), last=True)
            self._raw.close()
        super().close()


class SealedReader(io.RawIOBase):
    """A readable stream of what SealedWriter sealed into `raw`; raises InvalidTag where it was changed."""

    def __init__(self, raw, key):
        super().__init__()
        header = raw.read(len(MAGIC) + SALT_BYTES)
        if header[: len(MAGIC)] != MAGIC or len(header) != len(MAGIC) + SALT_BYTES:
            raise InvalidTag("not a sealed backup file")
        self._raw, self._cipher, self._counter = raw, _cipher(key, header[len(MAGIC) :]), 0
        self._next = raw.read(CHUNK + TAG_BYTES)  # one chunk ahead: an empty read after it marks the last
        self._plain, self._done = b"", False

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._plain and not self._done:
            sealed, self._next = self._next, self._raw.read(CHUNK + TAG_BYTES)
            last = not self._next
            self._plain = self._cipher.decrypt(_nonce(self._counter, last), sealed, None)
            self._counter += 1
            self._done = last
        count = min(len(buffer), len(self._plain))
        buffer[:count] = self._plain[:count]
        self._plain = self._plain[count:]
        return count

    def close(self):
        if not self.closed:
            self._raw.close()
        super().close()
