import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

from umkm_portal import worker

logger = logging.getLogger("umkm_portal.worker")
WANTED_SECONDS = 1.0


class Command(BaseCommand):
    help = (
        "Run background tasks (imports, exports, the dashboard recount, scheduled jobs) with a heartbeat. "
        "Run as many as you like, on any node; stop one with SIGTERM and it finishes its task first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", default="", help="unique name of this worker (default: host-pid-random)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at an empty queue")
        parser.add_argument("--batch", action="store_true", help="one round of the clock, every ready task, then exit")

    def handle(self, *args, worker_id, interval, batch, **options):
        worker_id = worker_id or worker.new_worker_id()
        if batch:
            handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
            try:
                worker.tick(worker_id)
                self._work(worker_id, interval=0, batch=True)
                worker.leave(worker_id)
            finally:
                for signum, handler in handlers.items():  # db_worker set its own; a caller (a test) keeps its
                    signal.signal(signum, handler)
            return
        worker.beat(worker_id)
        stop = threading.Event()
        clock = threading.Thread(target=self._clock, args=(worker_id, stop), name="worker-clock", daemon=True)
        clock.start()
        try:
            self._work(worker_id, interval=interval, batch=False)
        finally:
            stop.set()
            clock.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 5)
            worker.leave(worker_id)

    def _work(self, worker_id, *, interval, batch):
        # django-tasks-db's worker: claims a task with SELECT ... FOR UPDATE SKIP LOCKED, runs it, records the outcome.
        options = {"worker_id": worker_id, "interval": interval, "reload": False, "verbosity": 1}
        call_command("db_worker", queue_name="*", batch=batch, startup_delay=not batch, **options)

    def _clock(self, worker_id, stop):
        """The heartbeat thread, with its own database connection: every WORKER_HEARTBEAT_SECONDS a whole
        round of the clock (umkm_portal.worker.tick); every second in between, a look for wanted work, so the
        dashboard recount starts about a second after the write that needs it."""
        next_round = 0.0
        while not stop.is_set():
            try:
                connection.close_if_unusable_or_obsolete()
                if time.monotonic() >= next_round:
                    worker.tick(worker_id)
                    next_round = time.monotonic() + settings.WORKER_HEARTBEAT_SECONDS
                else:
                    worker.enqueue_wanted()
            except DatabaseError:
                logger.exception("worker %s: heartbeat round failed", worker_id)
            stop.wait(WANTED_SECONDS)
        connection.close()
