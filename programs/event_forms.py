"""Input of the selling events' pages: the event form, the list's filters, one row of the sales form."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programs.models import MarketEvent
from registry.forms import DateInput, RupiahField
from registry.models import Kabupaten


class MarketEventForm(forms.ModelForm):
    class Meta:
        model = MarketEvent
        fields = ["kabupaten", "name", "kind", "place", "starts_on", "ends_on", "organiser", "note"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "name": _("Misalnya: Belanja Produk Lokal ASN Blora, Pameran UMKM Hari Jadi Sumenep."),
            "organiser": _("Misalnya Dinas Koperasi dan UMKM, atau panitia hari jadi kabupaten."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An event keeps its kabupaten: its participants are businesses of that kabupaten.
            del self.fields["kabupaten"]
        else:
            kabupaten = Kabupaten.objects.visible_to(user)
            self.fields["kabupaten"].queryset = kabupaten
            if len(kabupaten) == 1:
                self.fields["kabupaten"].initial = kabupaten[0].pk

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Tanggal akhir harus sesudah tanggal mulai."))
        return cleaned


class MarketEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="unaccent__icontains", label=_("Cari nama acara"))
    kind = django_filters.ChoiceFilter(choices=MarketEvent.Kind.choices, label=_("Jenis"))
    year = django_filters.NumberFilter(
        field_name="starts_on", lookup_expr="year", label=_("Tahun"), min_value=2000, max_value=2100
    )

    class Meta:
        model = MarketEvent
        fields = ["q", "kind", "year"]


class BoothRowForm(forms.Form):
    """One participant's row of the sales form: booth, sales (Rupiah, as people type it), transactions, and
    the version of the row the page was read at."""

    version = forms.IntegerField(min_value=0, max_value=2**31 - 1)
    booth = forms.CharField(max_length=30, required=False)
    sales = RupiahField(required=False)
    transactions = forms.IntegerField(min_value=0, max_value=10_000_000, required=False)

    def clean_sales(self):
        sales = self.cleaned_data["sales"]
        if sales is not None and not 0 <= sales < 10**15:
            raise ValidationError(_("Penjualan harus antara Rp 0 dan Rp 999 triliun."))
        return sales
