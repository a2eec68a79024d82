import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.certificates import tanggal
from registry.models import Kabupaten
from reports.models import Snapshot

MAX_OFFICIAL_BYTES = 5 * 1024 * 1024


class SnapshotForm(forms.ModelForm):
    """Which kabupaten and date to freeze; the title defaults to the way a dinas writes it."""

    class Meta:
        model = Snapshot
        fields = ["kabupaten", "as_of", "title", "note"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kabupaten"].queryset = Kabupaten.objects.visible_to(user).order_by("name")
        self.fields["title"].required = False
        last_year_end = datetime.date(timezone.localdate().year - 1, 12, 31)
        self.fields["as_of"].initial = last_year_end
        self.fields["title"].help_text = _("Kosongkan untuk judul baku, misalnya “%(example)s”.") % {
            "example": _("Jumlah UMKM per %(date)s") % {"date": tanggal(last_year_end)}
        }

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and cleaned.get("as_of"):
            cleaned["title"] = _("Jumlah UMKM per %(date)s") % {"date": tanggal(cleaned["as_of"])}
        return cleaned

    def validate_unique(self):
        """Uniqueness is the service's guard (it answers with a message on the date field)."""


class OfficialCountUploadForm(forms.Form):
    """An open-data table of counts per kabupaten and year (reports.official reads it)."""

    file = forms.FileField(
        label=_("Berkas open data (.csv atau .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=_(
            "Kolom: kode_provinsi, nama_provinsi, kode_kabupaten_kota, nama_kabupaten_kota, satu kolom angka "
            "(misalnya jumlah_umkm), satuan, tahun. Maksimal 5 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Unggah berkas .xlsx atau .csv."))
        if upload.size > MAX_OFFICIAL_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (maksimal 5 MB)."))
        return upload
