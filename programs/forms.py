from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
from umkm_portal.forms import ModelIdsField, VersionForm


class BankReferralForm(forms.Form):
    bank = forms.ModelChoiceField(label=_("Bank tujuan"), queryset=Bank.objects.none())
    credit_product = forms.ChoiceField(label=_("Produk kredit"), choices=BankReferral.CreditProduct.choices)
    amount_requested = RupiahField(label=_("Plafon yang diajukan"))
    purpose = forms.CharField(
        label=_("Tujuan penggunaan"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Misalnya tambahan modal bahan baku, mesin pengemas."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = Bank.objects.visible_to(user)

    def clean_amount_requested(self):
        amount = self.cleaned_data["amount_requested"]
        if not amount:
            raise forms.ValidationError(_("Plafon yang diajukan harus lebih dari nol."))
        return amount


class ReferralStepForm(VersionForm):
    """One step of the workflow; which fields matter depends on the step."""

    to_status = forms.ChoiceField(choices=BankReferral.Status.choices)
    note = forms.CharField(label=_("Catatan atau alasan"), max_length=500, required=False)
    amount = RupiahField(label=_("Jumlah (Rp)"), required=False)
    on = forms.DateField(label=_("Tanggal"), required=False, widget=DateInput())


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
            self.add_error("target_kecamatan", _("Kecamatan sasaran harus di kabupaten penyelenggara."))
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

    start_on = forms.DateField(label=_("Tanggal mulai baru"), widget=DateInput())
    end_on = forms.DateField(label=_("Tanggal selesai baru"), widget=DateInput())
    reason = forms.CharField(
        label=_("Alasan jadwal ulang"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ditampilkan kepada peserta dan koordinator."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pembatalan"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ditampilkan kepada peserta dan koordinator."),
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
        label=_("Dokumen wajib"),
        choices=LegalDocument.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
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
    partner = forms.CharField(label=_("Mitra/toko"), max_length=150)
    starts_on = forms.DateField(label=_("Mulai"), widget=DateInput())
    ends_on = forms.DateField(label=_("Sampai"), required=False, widget=DateInput())


class PlacementEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Berakhir pada"), widget=DateInput())


class SalesNoteForm(forms.ModelForm):
    value = RupiahField(label=_("Nilai penjualan (Rp)"))

    class Meta:
        model = PlacementSalesNote
        fields = ["month", "units", "value", "note"]
        widgets = {"month": DateInput()}

    def validate_constraints(self):
        # One note per month: a second note for the same month replaces the first (the service upserts).
        pass


class ExportFacilitationForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Negara tujuan"), choices=lambda: [("", "---------"), *COUNTRY_CHOICES])
    value = RupiahField(label=_("Nilai ekspor (Rp)"))

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
                    "invalid": _("Nilai harus angka bulat 0 sampai %(criterion_max_score)s.")
                    % {"criterion_max_score": criterion.max_score},
                    "min_value": _("Nilai harus angka bulat 0 sampai %(criterion_max_score)s.")
                    % {"criterion_max_score": criterion.max_score},
                    "max_value": _("Nilai harus angka bulat 0 sampai %(criterion_max_score)s.")
                    % {"criterion_max_score": criterion.max_score},
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
