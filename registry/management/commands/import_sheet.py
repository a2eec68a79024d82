import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.import_jobs import run_import
from registry.imports import guess_mapping, read_sheet, require_columns
from registry.models import ImportBatch, ImportColumnMemory


class Command(BaseCommand):
    """Import a sheet or a SIDT extract as USERNAME would through the web: the same checks and writes."""

    help = "Import businesses from an .xlsx or .csv file (a SIDT extract or a dinas sheet) as the given user."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="the importing user: their area and remembered columns")
        parser.add_argument(
            "--mode",
            choices=["valid", "all"],
            default="valid",
            help="valid: import the valid rows; all: import only if every row is valid (default: valid)",
        )
        parser.add_argument("--sheet", default="", help="the workbook's sheet (default: the first that holds data)")
        parser.add_argument("--year", type=int, help="the figures' year for rows without a year column")
        parser.add_argument("--dry-run", action="store_true", help="check and write, then roll back")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print every row's status as JSON")

    def handle(self, *args, file, user, mode, sheet, year, dry_run, as_json, **options):
        importer = get_user_model().objects.filter(username=user, is_active=True).first()
        if importer is None:
            raise CommandError(f"No active user {user!r}.")
        if not importer.has_perm("registry.import_business"):
            raise CommandError(f"User {user!r} may not import businesses.")
        try:
            with open(file, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        filename = file.replace("\\", "/").rsplit("/", 1)[-1][:200]
        try:
            read = read_sheet(content, filename, sheet=sheet)
            remembered = dict(ImportColumnMemory.objects.filter(user=importer).values_list("header", "target"))
            mapping = guess_mapping(read.headers, remembered)
            require_columns(mapping)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        with transaction.atomic():
            batch = ImportBatch(
                user=importer,
                filename=filename,
                sheet=read.sheet_name,
                headers=read.headers,
                mapping={str(k): v for k, v in mapping.items()},
                total_rows=len(read.rows),
                figures_year=year,
                all_or_nothing=mode == "all",
                status=ImportBatch.Status.QUEUED,  # run here, in this command's process, not by a worker
            )
            batch.file.save(filename, ContentFile(content), save=False)
            batch.save()
            batch = run_import(batch)
            if dry_run:
                transaction.set_rollback(True)
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(batch.error)
        self._report(batch, as_json=as_json, dry_run=dry_run)
        if mode == "all" and batch.summary.get("failed"):
            raise CommandError(batch.error)

    def _report(self, batch, *, as_json, dry_run):
        summary = batch.summary
        if as_json:
            rows = [
                {"row": r.number, "status": r.status, "messages": [*r.errors, *r.warnings]}
                for r in getattr(batch, "results", [])
            ]
            counts = {key: summary.get(key, 0) for key in ("created", "updated", "unchanged", "failed")}
            self.stdout.write(json.dumps({"rows": rows, **counts}, ensure_ascii=False, indent=1))
            return
        self.stdout.write(
            f"{summary.get('created', 0)} created, {summary.get('updated', 0)} updated, "
            f"{summary.get('unchanged', 0)} unchanged, {summary.get('failed', 0)} failed"
            f"{' (dry run: rolled back)' if dry_run else ''}"
        )
