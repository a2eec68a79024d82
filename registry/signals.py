"""Signals registry sends for other apps, which registry itself never imports."""

from django.dispatch import Signal

# An import batch has written its rows (registry.import_jobs.run_import); argument: batch.
import_finished = Signal()
