"""An upload larger than MAX_REQUEST_BYTES is refused by its Content-Length, before its body is read."""

import io
import socket
from urllib.parse import urlsplit

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

MB = 1024 * 1024
FORM = "application/x-www-form-urlencoded"


class CountingInput(io.RawIOBase):
    """A request body of `size` bytes that counts how much of it the application reads."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.read_bytes)
        buffer[:count] = b"x" * count
        self.read_bytes += count
        return count


def _post(path, length, body_size=None, content_type="multipart/form-data; boundary=batas"):
    body = CountingInput(int(length) if body_size is None else body_size)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(length),
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BufferedReader(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    started = {}
    content = b"".join(WSGIHandler()(environ, lambda status, headers: started.update(status=status, headers=headers)))
    return started["status"], dict(started["headers"]), content.decode(), body


@pytest.mark.django_db
def test_a_60_mb_upload_is_refused_before_its_body_is_read(settings):
    assert settings.MAX_REQUEST_BYTES == 55 * MB

    status, headers, page, body = _post(reverse("registry:product_create", args=[1]), 60 * MB)

    assert status.startswith("413")
    assert body.read_bytes == 0
    assert "Kiriman terlalu besar" in page
    assert "60 MB" in page
    assert "55 MB" in page
    assert "Content-Security-Policy" in headers


@pytest.mark.django_db
def test_the_import_page_takes_a_100_mb_sheet_and_no_more(settings):
    """A national extract of 100,000 rows is about 73 MB: the import's upload page alone takes up to 105 MB."""
    assert settings.MAX_IMPORT_REQUEST_BYTES == 105 * MB
    settings.MAX_IMPORT_REQUEST_BYTES = 2 * MB  # the same rule, without sending 100 MB through the test

    within, _, _, read = _post(reverse("registry:import_upload"), 1 * MB, body_size=1 * MB)
    over, _, page, unread = _post(reverse("registry:import_upload"), 3 * MB)

    assert not within.startswith("413")
    assert read.read_bytes > 0
    assert over.startswith("413")
    assert unread.read_bytes == 0
    assert "2 MB" in page


@pytest.mark.django_db
def test_a_request_within_the_limit_is_read_as_usual(settings):
    settings.MAX_REQUEST_BYTES = 1 * MB

    status, _, _, body = _post(reverse("login"), 1 * MB, body_size=1 * MB, content_type=FORM)

    assert status.startswith("403")  # past the size check, refused by CSRF as any POST without a token
    assert body.read_bytes > 0


@pytest.mark.parametrize("length", ["", "abc", "-5", "\u0663"])
@pytest.mark.django_db
def test_a_missing_or_malformed_content_length_is_no_error(length):
    status, _, _, _ = _post(reverse("login"), length, body_size=0, content_type=FORM)

    assert status[:3] in {"400", "403"}  # past the size check: Django's own answer to such a body


def test_a_real_server_answers_413_while_the_body_is_still_unsent(live_server):
    """Over a socket: the headers of a 120 MB import, no body; the answer comes without waiting for it."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(
            b"POST /impor/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=batas\r\n"
            b"Content-Length: %d\r\n\r\n" % (120 * MB)
        )
        received = b""
        # Read the whole answer page; the body was never sent, so the server answered without it.
        while b"</html>" not in received and (chunk := connection.recv(65536)):
            received += chunk
    answer = received.decode()

    assert answer.startswith("HTTP/1.1 413")
    assert "Kiriman terlalu besar" in answer
