"""The real worker's path, in the test's process: tests queue work the way the views do, then call this."""

from unittest import mock

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker


def run_tasks():
    """One round of the worker's clock and every ready task, as `manage.py run_worker` runs them.

    Inside a test's transaction the worker must not recycle the connection between tasks (it would close
    the test's transaction), just as Django's TestCase keeps requests from doing so; tests that need the
    worker in its own process start `manage.py run_worker` (tests/test_worker.py)."""
    with mock.patch.object(db_worker, "close_old_connections", return_value=None):
        call_command("run_worker", batch=True)
