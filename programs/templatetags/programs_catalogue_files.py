"""Links to the printable catalogue and the buyer-desk sheet (programs.catalogue_files) for a page."""

from django import template

from registry.models.regions import area_codes_seen_by

register = template.Library()


@register.inclusion_tag("programs/includes/_catalogue_files_staff.html", takes_context=True)
def catalogue_file_links(context):
    """For a staff page: the files of each kabupaten the user works in (a dinas: theirs; a coordinator: their
    kecamatan's). None for an admin, who works in every kabupaten. The files are public: this only says
    which to offer."""
    codes = area_codes_seen_by(context["request"].user)
    return {"codes": sorted({code[:5] for code in codes or []})}
