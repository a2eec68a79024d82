from django import forms
from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import (
    Bank,
    BankReferral,
    CurationCall,
    CurationCriterion,
    ExportFacilitation,
    MentoringVisit,
    Placement,
    PlacementSalesNote,
    Training,
    TrainingSession,
    officer_covers,
)
from registry.countries import COUNTRY_CHOICES
from registry.forms import DateInput, RupiahField
from registry.models import BusinessGroup, Kabupaten, Kecamatan, LegalDocument, Provinsi
from umkm_portal.forms import ModelIdsField, VersionForm


class BankChoiceField(forms.ModelChoiceField):
    """A bank serving the business's kabupaten; one without an officer there says so in its own label."""

    def label_from_instance(self, bank):
        if getattr(bank, "has_officer", True):
            return str(bank)
        return gettext("%(bank)s (belum ada petugas bank di portal)") % {"bank": bank}


def no_officer_warning(bank, kabupaten):
    return gettext(
        "%(bank)s belum punya petugas di portal untuk %(place)s: rujukan yang dikirim belum dapat dibaca siapa pun "
        "di bank sampai dinas menambahkan petugasnya (menu Bank)."
    ) % {"bank": bank, "place": kabupaten}


class BankReferralForm(forms.Form):
    bank = BankChoiceField(label=_("Bank tujuan"), queryset=Bank.objects.none())
    credit_product = forms.ChoiceField(label="Produk kredit", choices=BankReferral.CreditProduct.choices)
    amount_requested = RupiahField(label="Plafon yang diajukan")
    purpose = forms.CharField(
        label="Tujuan penggunaan",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Misalnya tambahan modal bahan baku, mesin pengemas.",
    )
    # Shown (as a checkbox) only once the chosen bank turned out to have no officer for the kabupaten.
    no_officer_ok = forms.BooleanField(
        label=_("Saya mengerti; tetap simpan draf rujukan ke bank ini."),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.kabupaten = business.kecamatan.kabupaten
        self.fields["bank"].queryset = (
            Bank.objects.visible_to(user)
            .serving(self.kabupaten)
            .annotate(has_officer=officer_covers(OuterRef("pk"), self.kabupaten.pk))
        )
        self.fields["bank"].help_text = gettext("Bank yang melayani %(place)s.") % {"place": self.kabupaten}

    def clean_amount_requested(self):
        amount = self.cleaned_data["amount_requested"]
        if not amount:
            raise forms.ValidationError("Plafon yang diajukan harus lebih dari nol.")
        return amount

    def clean(self):
        data = super().clean()
        bank = data.get("bank")
        if bank is not None and not bank.has_officer and not data.get("no_officer_ok"):
            self.fields["no_officer_ok"].widget = forms.CheckboxInput()
            raise forms.ValidationError(no_officer_warning(bank, self.kabupaten), code="no_officer")
        return data


class BankForm(forms.ModelForm):
    """A bank and where it serves. Dinas staff choose among their own kabupaten only; the national and
    provincial choices are an admin's (programs.services.save_bank holds the rule)."""

    class Meta:
        model = Bank
        fields = ["name", "short_name", "nationwide", "provinces", "kabupaten"]
        labels = {"name": _("Nama lengkap"), "short_name": _("Nama singkat")}
        help_texts = {"short_name": _("Yang tampil di daftar dan formulir, misalnya BPR BKK Blora.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kabupaten"].label = _("Kabupaten/kota yang dilayani")
        if user.is_superuser:
            self.fields["provinces"].queryset = Provinsi.objects.all()
            self.fields["kabupaten"].queryset = Kabupaten.objects.all()
            self.fields["kabupaten"].help_text = _("Atau pilih provinsi, atau seluruh Indonesia.")
        else:
            del self.fields["nationwide"], self.fields["provinces"]
            mine = Kabupaten.objects.visible_to(user)
            self.fields["kabupaten"].queryset = mine
            self.fields["kabupaten"].widget = forms.CheckboxSelectMultiple(choices=self.fields["kabupaten"].choices)
            self.fields["kabupaten"].help_text = _(
                "Bank yang melayani provinsi atau seluruh Indonesia ditambahkan admin portal."
            )
            if self.instance.pk is None and len(mine) == 1:
                self.initial["kabupaten"] = list(mine)


class BankOfficerForm(forms.Form):
    """A new officer's account; the password is set by the officer through the e-mailed link."""

    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        help_text=_("Untuk masuk, misalnya bank.bkkblora.budi; huruf, angka dan . @ + - _ saja."),
    )
    first_name = forms.CharField(label=_("Nama depan"), max_length=150)
    last_name = forms.CharField(label=_("Nama belakang"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Alamat e-mail"), help_text=_("Tautan untuk membuat kata sandi dikirim ke alamat ini.")
    )
    kabupaten = forms.ModelChoiceField(
        label=_("Menangani rujukan dari"), queryset=Kabupaten.objects.none(), empty_label=None
    )

    def __init__(self, *args, user, bank, **kwargs):
        super().__init__(*args, **kwargs)
        served = Kabupaten.objects.visible_to(user)
        if not bank.nationwide:
            served = served.filter(Q(pk__in=bank.kabupaten.values("pk")) | Q(provinsi__in=bank.provinces.values("pk")))
        field = self.fields["kabupaten"]
        field.queryset = served
        if user.is_superuser:
            field.required = False
            field.empty_label = _("Seluruh wilayah layanan bank")


class BankOfficerUpdateForm(forms.Form):
    first_name = forms.CharField(label=_("Nama depan"), max_length=150)
    last_name = forms.CharField(label=_("Nama belakang"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Alamat e-mail"), help_text=_("Tautan untuk membuat kata sandi dikirim ke alamat ini.")
    )
    is_active = forms.BooleanField(
        label=_("Akun aktif"), required=False, help_text=_("Petugas yang pindah tugas dinonaktifkan, bukan dihapus.")
    )


class ReferralStepForm(VersionForm):
    """One step of the workflow; which fields matter depends on the step."""

    to_status = forms.ChoiceField(choices=BankReferral.Status.choices)
    note = forms.CharField(label="Catatan atau alasan", max_length=500, required=False)
    amount = RupiahField(label="Jumlah (Rp)", required=False)
    on = forms.DateField(label="Tanggal", required=False, widget=DateInput())


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = [
            "kabupaten",
            "organiser",
            "title",
            "kind",
            "description",
            "venue",
            "start_on",
            "end_on",
            "capacity",
            "target_kecamatan",
            "target_category",
            "target_group",
            "mentors",
            "signatory_name",
            "signatory_title",
            "signatory_nip",
        ]
        widgets = {
            "start_on": DateInput(),
            "end_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_kecamatan": forms.CheckboxSelectMultiple,
            "mentors": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_kecamatan"].queryset = Kecamatan.objects.visible_to(user)
        self.fields["target_group"].queryset = BusinessGroup.objects.visible_to(user)
        if self.instance.pk:
            # A training keeps its kabupaten: its participants and their records belong there.
            del self.fields["kabupaten"]
        else:
            self.fields["kabupaten"].queryset = Kabupaten.objects.visible_to(user)

    def clean(self):
        cleaned = super().clean()
        kabupaten = cleaned.get("kabupaten") or (self.instance.kabupaten if self.instance.pk else None)
        targets = cleaned.get("target_kecamatan") or []
        if kabupaten and any(k.kabupaten_id != kabupaten.pk for k in targets):
            self.add_error("target_kecamatan", "Kecamatan sasaran harus di kabupaten penyelenggara.")
        return cleaned


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["on", "topic"]
        widgets = {"on": DateInput()}


SessionFormSet = forms.formset_factory(SessionForm, extra=3, max_num=20)
# Editing: the stored sessions plus two empty rows; a session is removed by ticking "Hapus".
SessionEditFormSet = forms.inlineformset_factory(
    Training, TrainingSession, form=SessionForm, extra=2, max_num=20, can_delete=True
)


class RescheduleForm(forms.Form):
    """New dates and the reason that participants and coordinators read."""

    start_on = forms.DateField(label="Tanggal mulai baru", widget=DateInput())
    end_on = forms.DateField(label="Tanggal selesai baru", widget=DateInput())
    reason = forms.CharField(
        label="Alasan jadwal ulang",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ditampilkan kepada peserta dan koordinator.",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Alasan pembatalan",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ditampilkan kepada peserta dan koordinator.",
    )


class MentoringVisitForm(forms.ModelForm):
    class Meta:
        model = MentoringVisit
        fields = ["visited_on", "mentor", "organiser", "topic", "findings", "actions", "follow_up_on"]
        widgets = {
            "visited_on": DateInput(),
            "follow_up_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }


class CurationCallForm(forms.ModelForm):
    required_documents = forms.MultipleChoiceField(
        label="Dokumen wajib", choices=LegalDocument.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CurationCall
        fields = [
            "kabupaten",
            "organiser",
            "title",
            "channel",
            "partner",
            "opens_on",
            "closes_on",
            "required_documents",
            "description",
        ]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["kabupaten"]
        else:
            self.fields["kabupaten"].queryset = Kabupaten.objects.visible_to(user)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = CurationCriterion
        fields = ["name", "weight", "max_score"]


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0, max_num=15)
DEFAULT_CRITERIA = [
    {"name": "Kemasan", "weight": 2, "max_score": 5},
    {"name": "Label dan legalitas", "weight": 2, "max_score": 5},
    {"name": "Mutu produk", "weight": 3, "max_score": 5},
    {"name": "Harga", "weight": 1, "max_score": 5},
    {"name": "Kapasitas produksi", "weight": 2, "max_score": 5},
]


class PlacementForm(forms.Form):
    channel = forms.ChoiceField(label=_("Saluran"), choices=Placement.Channel.choices)
    retailer = forms.CharField(
        label=_("Peritel"), max_length=100, help_text=_("Misalnya Alfamart, Indomaret, Shopee atau nama hotel.")
    )
    partner = forms.CharField(label="Mitra/toko", max_length=150)
    starts_on = forms.DateField(label="Mulai", widget=DateInput())
    ends_on = forms.DateField(label="Sampai", required=False, widget=DateInput())


class PlacementEndForm(forms.Form):
    ends_on = forms.DateField(label="Berakhir pada", widget=DateInput())


class SalesNoteForm(forms.ModelForm):
    value = RupiahField(label="Nilai penjualan (Rp)")

    class Meta:
        model = PlacementSalesNote
        fields = ["month", "units", "value", "note"]
        widgets = {"month": DateInput()}

    def validate_constraints(self):
        # One note per month: a second note for the same month replaces the first (the service upserts).
        pass


class ExportFacilitationForm(forms.ModelForm):
    country = forms.ChoiceField(label="Negara tujuan", choices=[("", "---------"), *COUNTRY_CHOICES])
    value = RupiahField(label="Nilai ekspor (Rp)")

    class Meta:
        model = ExportFacilitation
        fields = ["year", "country", "buyer", "product", "value", "organiser", "note"]

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = business.products.all()
        self.fields["product"].required = False
        self.fields["year"].initial = timezone.localdate().year


#
# The small POSTs and query strings of program pages: one chosen row, a list of ticks, scores, a year
#


class ChosenRowForm(forms.Form):
    """One row picked on a page (a member to nominate, a product to submit, a follow-up to close), by id,
    from `queryset` (the user's visible rows): anything else is refused by the field, not by PostgreSQL."""

    row = forms.ModelChoiceField(queryset=None)

    def __init__(self, data, *, field, queryset):
        super().__init__({"row": data.get(field)})
        self.fields["row"].queryset = queryset

    @property
    def chosen(self):
        return self.cleaned_data["row"] if self.is_valid() else None


class AttendanceForm(forms.Form):
    """The participants ticked present at one session: ids of the training's confirmed enrollments."""

    present = ModelIdsField(queryset=None, required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = session.training.enrollments.confirmed()


class CurationScoreForm(forms.Form):
    """One score per criterion of the call (score-<criterion id>), each 0 to the criterion's maximum."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"score-{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_score,
                required=False,
                error_messages={
                    "invalid": f"Nilai harus angka bulat 0 sampai {criterion.max_score}.",
                    "min_value": f"Nilai harus angka bulat 0 sampai {criterion.max_score}.",
                    "max_value": f"Nilai harus angka bulat 0 sampai {criterion.max_score}.",
                },
            )

    def scores(self):
        """{criterion id: score} of the scores filled in."""
        return {
            int(name.removeprefix("score-")): value for name, value in self.cleaned_data.items() if value is not None
        }


TRAINING_SCORE = forms.IntegerField(
    min_value=0,
    max_value=100,
    required=False,
    error_messages={key: "Nilai harus angka 0 sampai 100." for key in ("invalid", "min_value", "max_value")},
)


class ReportYearForm(forms.Form):
    """The year a yearly report shows (?year=); another value shows the current year."""

    year = forms.IntegerField(min_value=1990, max_value=2100)

    @classmethod
    def read(cls, data):
        form = cls(data)
        return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


class ChosenBusinessesForm(forms.Form):
    """Businesses ticked on a page (their ids), among those the user may see."""

    business = ModelIdsField(queryset=None)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = queryset
