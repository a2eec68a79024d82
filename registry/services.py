"""Writes with rules for the registry."""

from django.db import transaction
from lokal import wilayah

from registry.models import Desa, Kabupaten, Kecamatan, Provinsi

#
# Regions
#

_LEVEL_MODELS = {1: Provinsi, 2: Kabupaten, 3: Kecamatan, 4: Desa}


def _collect(code, into):
    """Add the region `code`, its ancestors and all its descendants to `into` (level -> {code: region})."""
    region = wilayah.get_wilayah(code)
    if region is None:
        raise ValueError(f"Kode wilayah {code!r} tidak dikenal dalam data Kemendagri.")
    parts = code.split(".")
    for depth in range(1, len(parts)):
        ancestor = wilayah.get_wilayah(".".join(parts[:depth]))
        into[ancestor.level][ancestor.code] = ancestor
    stack = [region]
    while stack:
        node = stack.pop()
        into[node.level][node.code] = node
        if node.level < 4:
            stack.extend(wilayah.list_wilayah(node.code))


def _row(region):
    code, name = region.code, region.name
    parent = code.rsplit(".", 1)[0]
    if region.level == 1:
        return Provinsi(code=code, name=name)
    if region.level == 2:
        kind = Kabupaten.Kind.KOTA if region.type == "kota" else Kabupaten.Kind.KABUPATEN
        return Kabupaten(code=code, name=name, kind=kind, provinsi_id=parent)
    if region.level == 3:
        return Kecamatan(code=code, name=name, kabupaten_id=parent)
    kind = {"kelurahan": Desa.Kind.KELURAHAN, "desa_adat": Desa.Kind.DESA_ADAT}.get(region.type, Desa.Kind.DESA)
    return Desa(code=code, name=name, kind=kind, postal_code=region.postal_code or "", kecamatan_id=parent)


@transaction.atomic
def load_regions(codes=None):
    """Upsert the official Kemendagri regions under `codes` (all of Indonesia when empty).

    Returns the number of rows per model. Idempotent: names and postal codes are refreshed in place.
    Raises ValueError for a code the official list does not know.
    """
    collected = {level: {} for level in _LEVEL_MODELS}
    for code in codes or [p.code for p in wilayah.list_wilayah()]:
        _collect(wilayah.normalize_wilayah_code(code), collected)
    counts = {}
    for level, model in _LEVEL_MODELS.items():
        rows = [_row(region) for region in collected[level].values()]
        update_fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        model.objects.bulk_create(
            rows, batch_size=5000, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
        )
        counts[model] = len(rows)
    return counts
