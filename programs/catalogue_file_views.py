"""The printable catalogue and the buyer-desk sheet of a kabupaten, no login: a finished file is served, a
missing one is queued for the worker and a page says it is being prepared (programs.catalogue_files)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.views.generic import View

from programs import catalogue_cache, catalogue_files
from programs.models import CatalogueFile, Listing
from registry.models import Kabupaten
from umkm_portal.limits import over_limit, too_many_requests
from umkm_portal.storage import stored_file_response

# The "being prepared" page asks again this often (an HTTP Refresh header: no script needed).
REFRESH_SECONDS = 5


class CatalogueFileView(View):
    """GET /katalog/<kabupaten code>/katalog.pdf (or .xlsx, .csv), with the catalogue's filters."""

    file_format = CatalogueFile.Format.PDF
    template_name = "programs/catalogue_file.html"

    def get(self, request, code):
        kabupaten = get_object_or_404(Kabupaten, pk=code)
        form = catalogue_files.CatalogueFileForm(request.GET, kabupaten=kabupaten)
        if not form.is_valid():
            return self.page(request, kabupaten, form=form, status=400)
        # The generation first, then what the public sees: a file built while a withdrawal commits is
        # stored under the generation forget() replaces, and never served.
        generation = catalogue_cache.generation(code)
        if not Listing.objects.public().in_kabupaten(kabupaten).exists():
            raise Http404  # no catalogue here, the same answer as a kabupaten that does not exist
        wanted = {
            "kabupaten": kabupaten,
            "generation": generation,
            "day": timezone.localdate(),
            "file_format": self.file_format,
            "filters": form.filters(),
            "language": form.cleaned_data["lang"] or translation.get_language(),
            "site": request.build_absolute_uri("/").rstrip("/"),
        }
        key = catalogue_files.file_key(kabupaten_code=code, **{k: v for k, v in wanted.items() if k != "kabupaten"})
        row = catalogue_files.find(key)
        if row is None:
            # Only a new build counts against the address: refreshing the page while it is prepared does not.
            if over_limit(request, "catalogue_file", settings.PUBLIC_CATALOGUE_FILE_RATE):
                return too_many_requests(request)
            row, _created = catalogue_files.queue(key=key, **wanted)
        elif row.status == CatalogueFile.Status.DONE:
            try:
                return stored_file_response(
                    row.file,
                    content_type=catalogue_files.CONTENT_TYPES[row.format],
                    filename=catalogue_files.download_name(row),
                    as_attachment=row.format != CatalogueFile.Format.PDF,
                    max_age=0,
                )
            except Http404:
                catalogue_files.queue_again(row)  # the file is gone from storage: build it again
        elif catalogue_files.may_retry(row):
            catalogue_files.queue_again(row)
        failed = row.status == CatalogueFile.Status.FAILED
        response = self.page(request, kabupaten, row=row, status=503 if failed else 202)
        if failed:
            response["Retry-After"] = str(int(catalogue_files.RETRY_FAILED_AFTER.total_seconds()))
        else:
            response["Refresh"] = str(REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
        return response

    def page(self, request, kabupaten, *, row=None, form=None, status):
        context = {
            "kabupaten": kabupaten,
            "place": catalogue_files.kabupaten_title(kabupaten),
            "row": row,
            "form": form,
            "format_name": CatalogueFile.Format(self.file_format).label,
        }
        return render(request, self.template_name, context, status=status)
