from django import forms
from django.utils import timezone

from programs.models import (
    Bank,
    BankReferral,
    CurationCall,
    CurationCriterion,
    ExportFacilitation,
    MentoringVisit,
    PlacementSalesNote,
    Training,
    TrainingSession,
)
from registry.countries import COUNTRY_CHOICES
from registry.forms import DateInput, RupiahField
from registry.models import BusinessGroup, Kabupaten, Kecamatan, LegalDocument


class BankReferralForm(forms.Form):
    bank = forms.ModelChoiceField(label="Bank tujuan", queryset=Bank.objects.none())
    credit_product = forms.ChoiceField(label="Produk kredit", choices=BankReferral.CreditProduct.choices)
    amount_requested = RupiahField(label="Plafon yang diajukan")
    purpose = forms.CharField(
        label="Tujuan penggunaan",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Misalnya tambahan modal bahan baku, mesin pengemas.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = Bank.objects.visible_to(user)

    def clean_amount_requested(self):
        amount = self.cleaned_data["amount_requested"]
        if not amount:
            raise forms.ValidationError("Plafon yang diajukan harus lebih dari nol.")
        return amount


STALE_PAGE = "Halaman ini tidak lengkap atau sudah lama; muat ulang halaman, lalu ulangi."


class VersionForm(forms.Form):
    """The version of the record the page was read at (optimistic locking), posted back as a hidden field."""

    version = forms.IntegerField(
        min_value=1, max_value=2_147_483_647, error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE}
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
