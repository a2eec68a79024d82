"""Signals registry sends for other apps, which registry itself never imports."""

from django.dispatch import Signal

# An import batch has written its rows (registry.import_jobs.run_import); argument: batch.
import_finished = Signal()

# A bulk write changed these businesses without saving each (group membership added or removed in one
# statement, registry.services.add_group_members / remove_group_members); argument: businesses (a queryset).
businesses_changed = Signal()
