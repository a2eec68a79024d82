"""Where uploaded and generated files live: the local MEDIA_ROOT folder, or an S3-compatible bucket.

Several app nodes and workers must see the same files, so a cluster sets one of:
- STORAGE_URL=s3://KEY:SECRET@host:port/bucket?region=ap-southeast-3&secure=true&prefix=umkm
  (key and secret percent-encoded; without KEY:SECRET@ boto3 finds credentials itself, e.g. an
  instance role; secure=false talks plain HTTP, for an endpoint on loopback only), or
- AWS_STORAGE_BUCKET_NAME, with AWS_S3_ENDPOINT_URL (left out: Amazon S3 itself), AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY and AWS_S3_REGION_NAME as django-storages and boto3 read them.
Objects are private and no view hands out a bucket URL: the portal's permission-checked views read
every file through the storage API and stream it.
"""

import os
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"
# A file read for serving or importing is spooled in memory up to this size, then on disk: memory stays flat.
SPOOL_BYTES = 2 * 1024 * 1024
_URL_OPTIONS = {"region", "secure", "prefix", "addressing"}


def _s3_options(
    *, bucket, endpoint_url=None, access_key=None, secret_key=None, region=None, prefix="", addressing=None
):
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "access_key": access_key,
        "secret_key": secret_key,
        "region_name": region,
        "location": prefix.strip("/"),
        "default_acl": "private",
        # url() is used by no page; should anything call it, the link is signed and short-lived, never public.
        "querystring_auth": True,
        "querystring_expire": 300,
        # Two uploads under one name must both survive, as on the local disk.
        "file_overwrite": False,
        "max_memory_size": SPOOL_BYTES,
        "signature_version": "s3v4",
        # Self-hosted endpoints (MinIO, moto, Ceph) answer on one host name: path-style addressing.
        "addressing_style": addressing or ("path" if endpoint_url else None),
    }
    return {"BACKEND": S3_BACKEND, "OPTIONS": {key: value for key, value in options.items() if value is not None}}


def parse_storage_url(url):
    """Return the STORAGES entry for an s3:// URL; raise ImproperlyConfigured for anything malformed."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(f"STORAGE_URL must start with s3://; got {parts.scheme or url!r}.")
    bucket = parts.path.strip("/")
    if not parts.hostname or not bucket or "/" in bucket:
        raise ImproperlyConfigured("STORAGE_URL must name a host and one bucket: s3://KEY:SECRET@host:port/bucket.")
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(query) - _URL_OPTIONS
    if unknown:
        raise ImproperlyConfigured(f"STORAGE_URL: unknown option(s) {', '.join(sorted(unknown))}.")
    secure = query.get("secure", "true").lower()
    if secure not in ("true", "false"):
        raise ImproperlyConfigured(f"STORAGE_URL: secure must be true or false; got {secure!r}.")
    if query.get("addressing", "path") not in ("path", "virtual"):
        raise ImproperlyConfigured("STORAGE_URL: addressing must be path or virtual.")
    if (parts.username is None) != (parts.password is None):
        raise ImproperlyConfigured("STORAGE_URL: give both KEY:SECRET or neither.")
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        raise ImproperlyConfigured("STORAGE_URL: the port is not a number.") from None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return _s3_options(
        bucket=bucket,
        endpoint_url=f"{'https' if secure == 'true' else 'http'}://{host}{port}",
        access_key=unquote(parts.username) if parts.username is not None else None,
        secret_key=unquote(parts.password) if parts.password is not None else None,
        region=query.get("region") or None,
        prefix=query.get("prefix", ""),
        addressing=query.get("addressing"),
    )


def default_storage_from_env(environ=os.environ):
    """The STORAGES["default"] entry: S3 from STORAGE_URL or AWS_STORAGE_BUCKET_NAME, else the local folder."""
    url = environ.get("STORAGE_URL", "").strip()
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if url and bucket:
        raise ImproperlyConfigured("Set STORAGE_URL or AWS_STORAGE_BUCKET_NAME, not both.")
    if url:
        return parse_storage_url(url)
    if bucket:
        return _s3_options(
            bucket=bucket,
            endpoint_url=environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None,
            access_key=environ.get("AWS_ACCESS_KEY_ID", "").strip() or None,
            secret_key=environ.get("AWS_SECRET_ACCESS_KEY", "").strip() or None,
            region=environ.get("AWS_S3_REGION_NAME", "").strip() or None,
        )
    if environ.get("AWS_S3_ENDPOINT_URL", "").strip():
        raise ImproperlyConfigured("AWS_S3_ENDPOINT_URL is set without AWS_STORAGE_BUCKET_NAME.")
    return LOCAL


def describe(storage):
    """A short, secret-free name of a storage for logs and command output: 's3://bucket/prefix' or the folder."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"s3://{bucket}/{storage.location}".rstrip("/")
    return str(getattr(storage, "location", storage))


def walk_files(storage, top=""):
    """Yield the name of every file under `top` in the storage, depth first, through listdir only (S3 too)."""
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:  # a local MEDIA_ROOT nothing was ever written to
        return
    prefix = f"{top.rstrip('/')}/" if top else ""
    for name in sorted(files):
        yield prefix + name
    for directory in sorted(directories):
        yield from walk_files(storage, prefix + directory)


# A stored upload is never a page of the portal: were a browser to render it, it runs sandboxed, with nothing.
STORED_FILE_CSP = "sandbox; default-src 'none'"


def stored_file_response(field, *, content_type, filename=None, as_attachment=False, max_age=3600):
    """Answer with a stored file; the caller has checked who may have it. Raises Http404 when it is gone.

    With MEDIA_ACCEL_REDIRECT set and files on the local disk, the answer is empty and names the file in
    X-Accel-Redirect, so nginx sends it from its `internal` location; otherwise the file is streamed.
    """
    storage = field.storage
    if settings.MEDIA_ACCEL_REDIRECT and isinstance(storage, FileSystemStorage):
        if not storage.exists(field.name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT + quote(field.name)
        if disposition := content_disposition_header(as_attachment, filename):
            response["Content-Disposition"] = disposition
    else:
        try:
            handle = field.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename or "")
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["Content-Security-Policy"] = STORED_FILE_CSP
    return response
