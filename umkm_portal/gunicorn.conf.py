"""gunicorn's settings: `gunicorn -c umkm_portal/gunicorn.conf.py umkm_portal.wsgi --bind 127.0.0.1:8001`.

Only logging is set here (workers, bind and timeouts stay on the command line or in GUNICORN_CMD_ARGS):
gunicorn's own error and access lines go to stderr as JSON, like the portal's (umkm_portal.logs), under
the same LOG_FORMAT rule: json unless LOG_FORMAT=text, or DEBUG is on and LOG_FORMAT is not set.
An access line carries the request id the portal answered in X-Request-ID, and never the query string.
"""

import os


def _log_format():
    value = os.environ.get("LOG_FORMAT", "").strip().lower()
    if value:
        return value
    return "text" if os.environ.get("DEBUG", "").strip().lower() in ("true", "1", "on") else "json"


accesslog = "-"
# Path without the query string (a search can hold a NIK), status, bytes, milliseconds, request id.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'

if _log_format() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "umkm_portal.logs.RequestIdFilter"},
            "access": {"()": "umkm_portal.logs.GunicornAccessFilter"},
        },
        "formatters": {"json": {"()": "umkm_portal.logs.JsonFormatter"}},
        "handlers": {
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["access"],
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"level": "INFO", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }
