"""Forms of the registry: one registration page in sections, and the business edit form."""

import datetime
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.countries import COUNTRY_CHOICES
from registry.images import clean_scan
from registry.imports import FIELDS, REQUIRED
from registry.models import (
    Business,
    BusinessGroup,
    Desa,
    ExportValue,
    Kecamatan,
    LegalDocument,
    Owner,
    Product,
    YearlyFigure,
    group_scoped,
)
from registry.search import validate_searchable
from registry.sizing import SizeClass
from registry.validators import (
    format_amount,
    nik_warnings,
    normalize_nib,
    normalize_nik,
    normalize_phone,
    parse_amount,
)
from umkm_portal.forms import IdField, ModelIdsField


class RupiahField(forms.CharField):
    """Whole Rupiah typed the way people write it: "Rp 1.250.000", "1,2 juta", "250000"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "Rp"})

    def to_python(self, value):
        value = super().to_python(value)
        return None if value in ("", None) else parse_amount(value)

    def prepare_value(self, value):
        return format_amount(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several photos in one input; each is checked and re-encoded by the service."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "data-downscale": "1600"})

    def has_changed(self, initial, data):
        return bool(data)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class DesaByKecamatan(forms.models.ModelChoiceIterator):
    """A user's desa as options; across several kecamatan (the dinas's kabupaten) one group per kecamatan,
    so a desa is found under its kecamatan and two desa of the same name stay apart."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = list(self.queryset)
        if len({desa.kecamatan_id for desa in rows}) < 2:
            yield from (self.choice(desa) for desa in rows)
            return
        for kecamatan, members in groupby(rows, key=lambda desa: desa.kecamatan):
            yield (_("Kecamatan %(name)s") % {"name": kecamatan.name}, [self.choice(desa) for desa in members])


def offer_desa(field, user):
    """Offer the user's desa in `field` (a ModelChoiceField): by kecamatan, then name, labelled with both; a
    forged POST for a desa outside the area then fails validation."""
    field.iterator = DesaByKecamatan
    field.queryset = Desa.objects.visible_to(user).select_related("kecamatan").order_by("kecamatan__name", "name")
    field.label_from_instance = lambda desa: f"{desa.name} ({desa.kecamatan.name})"


#
# Registration sections
#


class OwnerForm(forms.ModelForm):
    # Wider than the stored value: people type spaces and dashes, which clean_*() removes.
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("16 digit sesuai KTP. Untuk perempuan, tanggal lahir di NIK ditambah 40."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=40,
        required=False,
        help_text=_("Misalnya 0812-3456-7890; disimpan dalam format +62."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    class Meta:
        model = Owner
        fields = ["name", "nik", "sex", "birth_date", "phone", "desa", "address", "education", "has_disability"]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_desa(self.fields["desa"], user)
        self.warnings = []

    def clean_nik(self):
        return normalize_nik(self.cleaned_data["nik"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return normalize_phone(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("nik"):
            self.warnings = nik_warnings(cleaned["nik"], sex=cleaned.get("sex"), birth_date=cleaned.get("birth_date"))
        return cleaned

    def validate_constraints(self):
        # An existing NIK is not an error here: the service attaches the business to that owner
        # (and the NIK's shape was checked by clean_nik).
        pass


class OwnerEditForm(OwnerForm):
    """The owner form for corrections: the stored NIK is never shown in full; typing one replaces it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["nik"] = ""
        nik = self.fields["nik"]
        nik.required = False
        nik.help_text = _("Tersimpan: %(nik)s. Kosongkan bila tidak berubah; isi 16 digit bila salah.") % {
            "nik": self.instance.masked_nik
        }

    def clean_nik(self):
        typed = self.cleaned_data["nik"].strip()
        return normalize_nik(typed) if typed else self.instance.nik


class BusinessForm(forms.ModelForm):
    nib = forms.CharField(
        label=_("NIB"),
        max_length=40,
        required=False,
        help_text=_("13 digit dari OSS; kosongkan bila belum punya."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    markets = forms.MultipleChoiceField(
        label=_("Pasar yang sudah dijangkau"),
        choices=Business.Market.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sales_channels = forms.MultipleChoiceField(
        label=_("Saluran penjualan"),
        choices=Business.Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Business
        fields = [
            "name",
            "desa",
            "address",
            "category",
            "kbli_code",
            "description",
            "start_year",
            "nib",
            "legal_form",
            "workers_male",
            "workers_female",
            "markets",
            "sales_channels",
            "groups",
            "latitude",
            "longitude",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "kbli_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the user's own desa and groups; a forged POST for another kecamatan then fails validation.
        offer_desa(self.fields["desa"], user)
        self.fields["groups"].queryset = BusinessGroup.objects.visible_to(user)
        self.fields["groups"].required = False
        if group_scoped(user):  # a group coordinator registers straight into their group (set_groups)
            self.fields["groups"].required = True
            self.fields["groups"].error_messages["required"] = "Pilih kelompok Anda."
            if self.instance.pk is None and "groups" not in self.initial:
                self.initial["groups"] = list(self.fields["groups"].queryset.values_list("pk", flat=True)[:1])

    def clean_nib(self):
        nib = self.cleaned_data["nib"]
        return normalize_nib(nib) if nib else ""

    def clean_start_year(self):
        year = self.cleaned_data["start_year"]
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise ValidationError(
                _("Tahun mulai usaha harus antara 1900 dan %(year)s.") % {"year": timezone.localdate().year}
            )
        return year


class ProductForm(forms.ModelForm):
    price = RupiahField(label=_("Harga (Rp)"), required=False)
    photos = PhotoField(label=_("Foto produk"), required=False)

    class Meta:
        model = Product
        fields = ["name", "category", "price", "unit", "packaging", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class DocumentForm(forms.ModelForm):
    scan = forms.FileField(
        label=_("Pindaian (PDF atau foto)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    class Meta:
        model = LegalDocument
        fields = ["kind", "number", "issued_on", "expires_on"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}
        help_texts = {"expires_on": "Untuk P-IRT boleh dikosongkan: tahunnya dibaca dari nomor."}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scan"):
            try:
                cleaned["scan"] = clean_scan(cleaned["scan"])
            except ValidationError as error:
                self.add_error("scan", error)
        if not cleaned.get("kind") or not cleaned.get("number"):
            return cleaned  # the missing field already has its message
        # The number's format and the P-IRT expiry are the model's rules; the product link is checked at save.
        document = LegalDocument(**{key: cleaned.get(key) for key in ("kind", "number", "issued_on", "expires_on")})
        try:
            document.clean()
        except ValidationError as error:
            self.add_error(None, error)
        else:
            cleaned["number"] = document.number
        return cleaned


class FigureForm(forms.ModelForm):
    capital = RupiahField(label=_("Modal usaha (tanpa tanah dan bangunan)"), required=False)
    revenue = RupiahField(label=_("Omzet setahun"), required=False)
    assets = RupiahField(label=_("Aset"), required=False)

    class Meta:
        model = YearlyFigure
        fields = ["year", "capital", "revenue", "assets", "workers", "reported_size_class"]
        labels = {"reported_size_class": "Skala menurut pemilik (bila tahu)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1  # the last whole year, as the import offers
        self.fields["reported_size_class"].choices = [("", "---------"), *SizeClass.choices]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year or year < 1990:
            raise ValidationError(_("Tahun data harus antara 1990 dan tahun ini."))
        return year

    def has_figures(self):
        data = self.cleaned_data
        return any(data.get(key) is not None for key in ("capital", "revenue", "assets", "workers"))


class ExportValueForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Negara tujuan ekspor"), choices=lambda: [("", "---------"), *COUNTRY_CHOICES])
    value = RupiahField(label=_("Nilai ekspor setahun"))

    class Meta:
        model = ExportValue
        fields = ["country", "value"]

    def validate_constraints(self):
        # The year and business are known only at save; the service checks the rest.
        pass


ProductFormSet = forms.formset_factory(ProductForm, extra=2, max_num=10)
ExportValueFormSet = forms.formset_factory(ExportValueForm, extra=1, max_num=20)
DocumentFormSet = forms.formset_factory(DocumentForm, extra=2, max_num=10)


class RegistrationForms:
    """The sections of one registration page, validated together and turned into unsaved instances."""

    def __init__(self, data=None, files=None, *, user):
        self.owner = OwnerForm(data, prefix="owner", user=user)
        self.business = BusinessForm(data, prefix="business", user=user)
        self.products = ProductFormSet(data, files, prefix="product")
        self.documents = DocumentFormSet(data, files, prefix="document")
        self.figure = FigureForm(data, prefix="figure")
        self.exports = ExportValueFormSet(data, prefix="export")

    @property
    def sections(self):
        return [self.owner, self.business, self.products, self.documents, self.figure, self.exports]

    def is_valid(self):
        return all([section.is_valid() for section in self.sections])

    def instances(self):
        """Return (business, owner, products, documents, figures) for registry.services.register_business."""
        business = self.business.save(commit=False)
        groups = self.business.cleaned_data.get("groups") or []
        owner = self.owner.save(commit=False)
        products = [
            (form.save(commit=False), form.cleaned_data.get("photos") or [])
            for form in self.products
            if form.has_changed() and form.cleaned_data.get("name")
        ]
        documents = []
        for form in self.documents:
            if form.has_changed() and form.cleaned_data:
                document = form.save(commit=False)
                if form.cleaned_data.get("scan"):
                    document.scan = form.cleaned_data["scan"]
                documents.append(document)
        figures = [self.figure.save(commit=False)] if self.figure.has_figures() else []
        exports = []
        for form in self.exports:
            if form.has_changed() and form.cleaned_data:
                export = form.save(commit=False)
                export.year = self.figure.cleaned_data["year"]
                exports.append(export)
        return business, groups, owner, products, documents, figures + exports

    @property
    def warnings(self):
        return self.owner.warnings


class GuidanceForm(forms.Form):
    guided_by = forms.CharField(label=_("Dinas pembina"), max_length=150, required=False)
    guided_since = forms.DateField(label=_("Binaan sejak"), required=False, widget=DateInput())
    is_flagship = forms.BooleanField(label=_("Usaha unggulan"), required=False)


class DocumentAddForm(DocumentForm):
    """A document added later: it may belong to one of the business's products."""

    class Meta(DocumentForm.Meta):
        fields = ["kind", "number", "issued_on", "expires_on", "product"]

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.business = business  # the model's checks compare the product's business with it
        self.fields["product"].queryset = business.products.all()
        self.fields["product"].required = False


#
# Imports
#

# 100,000 rows of the national extract (about 730 bytes a row) fit with room to spare.
MAX_IMPORT_BYTES = 100 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas Excel (.xlsx) atau CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=(
            _(
                "Ekstrak SIDT, atau daftar kecamatan dari Excel: baris judul kolom dicari sendiri (boleh ada judul "
                "tabel di atasnya). Maksimal 100 MB dan 150.000 baris."
            )
        ),
    )

    def clean_file(self):
        """The name and size only, and an Excel file's first bytes: a worker reads the rest (registry.import_jobs)."""
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Unggah berkas .xlsx atau .csv."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (maksimal 100 MB). Pecah menjadi beberapa berkas."))
        if upload.name.lower().endswith(".xlsx"):
            upload.seek(0)
            start = upload.read(4)
            upload.seek(0)
            if start != b"PK\x03\x04":  # every .xlsx is a zip file
                raise forms.ValidationError(_("Berkas Excel tidak dapat dibaca. Simpan ulang sebagai .xlsx."))
        return upload


class ImportSheetForm(forms.Form):
    """Which sheet of a workbook holds the data (the first sheet with a header row is read by default)."""

    sheet = forms.ChoiceField(label=_("Lembar kerja"))

    def __init__(self, *args, sheets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheets]


class ImportMappingForm(forms.Form):
    """One choice per column of the sheet: which field it holds, or skip it; and the figures' year when
    the sheet has no year column."""

    figures_year = forms.IntegerField(
        label=_("Tahun data omzet, modal dan aset"),
        min_value=1990,
        required=False,
        help_text=_("Dipakai untuk baris tanpa kolom tahun. Kosong: tahun lalu."),
    )

    def __init__(self, *args, headers, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figures_year"].validators.append(MaxValueValidator(datetime.date.today().year))
        choices = [("", _("- lewati kolom ini -")), *[(key, label) for key, (label, _) in FIELDS.items()]]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or f"Kolom {index + 1}", choices=choices, required=False, initial=mapping.get(index, "")
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [value for name, value in cleaned.items() if name.startswith("col_") and value]
        twice = sorted({value for value in chosen if chosen.count(value) > 1})
        if twice:
            raise forms.ValidationError(
                _("Satu kolom tujuan dipilih untuk lebih dari satu kolom: %(names)s.") % {"names": ", ".join(twice)}
            )
        missing = [FIELDS[name][0] for name in REQUIRED if name not in chosen]
        if missing:
            raise forms.ValidationError(
                _("Kolom wajib belum dipetakan: %(names)s.") % {"names": ", ".join(str(name) for name in missing)}
            )
        return cleaned

    def mapping(self):
        return {
            int(name.removeprefix("col_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }


class SidtExportForm(forms.Form):
    """The national extract's 49 columns for the user's area; NIK and phone in full only with a reason."""

    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.none(), required=False, empty_label=_("Semua kecamatan")
    )
    full_identity = forms.BooleanField(
        label=_("Sertakan NIK, tanggal lahir dan nomor HP lengkap"),
        required=False,
        help_text=_("Hanya untuk dikirim ke sistem nasional. Tanpa centang, data pribadi disamarkan."),
    )
    reason = forms.CharField(label=_("Alasan (dicatat)"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.visible_to(user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("full_identity") and len(" ".join(cleaned.get("reason", "").split())) < 5:
            self.add_error("reason", _("Tuliskan alasan menyertakan data pribadi lengkap (minimal 5 huruf)."))
        return cleaned


class QueueActionForm(forms.Form):
    """The queue's bulk action: verify or reject the ticked businesses (ids of the queue's own rows)."""

    action = forms.ChoiceField(choices=[("verify", _("Verifikasi")), ("reject", _("Tolak"))])
    business = ModelIdsField(queryset=Business.objects.none())
    reason = forms.CharField(required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = queryset


class DraftForm(forms.Form):
    """The registration draft a page continues (its id), from the query string or the autosave's POST."""

    draft = IdField(required=False)

    @classmethod
    def read(cls, data):
        """The draft id in `data`; None when there is none, False when it is not an id."""
        form = cls(data)
        return form.cleaned_data["draft"] if form.is_valid() else False


class BusinessGroupForm(forms.ModelForm):
    """A group or cluster: its name, kecamatan, coordinator and description (registry.services.save_group)."""

    class Meta:
        model = BusinessGroup
        fields = ["name", "kecamatan", "coordinator", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "name": _("Nama kelompok atau klaster"),
            "kecamatan": _("Kecamatan"),
            "coordinator": _("Koordinator"),
            "description": _("Keterangan"),
        }
        help_texts = {
            "coordinator": _(
                "Pengguna berperan koordinator kelompok yang ditugaskan di kecamatan ini. Ia hanya "
                "melihat anggota kelompoknya."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        from registry.services import coordinator_choices

        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.visible_to(user).order_by("name")
        self.fields["coordinator"].queryset = coordinator_choices(user)
        self.fields["coordinator"].label_from_instance = lambda person: person.get_full_name() or person.username


class GroupMemberSearchForm(forms.Form):
    """The search that lists a group's candidate members: the area's businesses of the group's kecamatan."""

    q = forms.CharField(
        label=_("Cari usaha atau pemilik"), required=False, max_length=100, validators=[validate_searchable]
    )
    desa = forms.ModelChoiceField(label=_("Desa/kelurahan"), queryset=Desa.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Kategori"), required=False)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = Desa.objects.filter(kecamatan=group.kecamatan_id).order_by("name")
        self.fields["category"].choices = [("", _("Semua kategori")), *Business._meta.get_field("category").choices]
