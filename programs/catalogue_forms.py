"""Forms of the catalogue's staff side: a business's consent, a product's listing, and their reasons."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programs.catalogue_services import LISTING_FIELDS, clean_contact
from programs.models import Listing, ListingConsent
from registry.forms import RupiahField


class ConsentForm(forms.ModelForm):
    class Meta:
        model = ListingConsent
        fields = ["show_price", "show_capacity", "show_address", "contact_channel", "contact", "evidence"]
        widgets = {"contact_channel": forms.RadioSelect}

    def __init__(self, *args, business=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business  # given, the owner's personal phone is refused as the contact
        self.fields["contact"].widget.attrs.update({"autocomplete": "off"})
        self.fields["evidence"].required = True
        self.fields["evidence"].error_messages["required"] = _(
            "Tuliskan bukti persetujuan, misalnya formulir bertanda tangan yang diarsipkan di kecamatan."
        )

    def clean(self):
        data = super().clean()
        channel = data.get("contact_channel")
        if channel:
            try:
                data["contact"] = clean_contact(channel, data.get("contact"), self.business)
            except ValidationError as error:
                self.add_error("contact", error.error_dict["contact"])
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"),
        min_length=5,
        max_length=300,
        error_messages={
            "required": _("Tuliskan alasannya (paling sedikit 5 huruf)."),
            "min_length": _("Tuliskan alasannya (paling sedikit 5 huruf)."),
        },
    )


class ListingForm(forms.ModelForm):
    service_fields = LISTING_FIELDS
    price_from = RupiahField(label=_("Harga mulai (Rp)"), required=False)
    price_to = RupiahField(label=_("Harga sampai (Rp)"), required=False)
    minimum_order = forms.IntegerField(
        label=_("Pesanan minimal"),
        min_value=1,
        max_value=10_000_000,
        required=False,
        help_text=_("Dalam satuan produk, misalnya 50 pak."),
    )
    capacity_per_month = forms.IntegerField(
        label=_("Kapasitas per bulan"),
        min_value=1,
        max_value=10_000_000,
        required=False,
        help_text=_("Berapa yang sanggup dibuat usaha dalam sebulan."),
    )
    description_en = forms.CharField(
        label=_("Deskripsi dalam bahasa Inggris"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        help_text=_("Untuk pembeli luar negeri; boleh kosong."),
    )

    class Meta:
        model = Listing
        fields = ["price_from", "price_to", "minimum_order", "capacity_per_month", "description_en", "export_ready"]

    def __init__(self, *args, can_mark_export, product, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_mark_export:
            self.fields["export_ready"].disabled = True
            self.fields["export_ready"].help_text = _("Ditandai dinas; koordinator hanya melihat.")
        if self.instance.pk is None and product.price:
            self.initial.setdefault("price_from", product.price)
            self.initial.setdefault("price_to", product.price)

    def clean(self):
        data = super().clean()
        low, high = data.get("price_from"), data.get("price_to")
        if low is not None and high is not None and high < low:
            self.add_error("price_to", _("Harga sampai tidak boleh lebih kecil dari harga mulai."))
        return data

    def _post_clean(self):
        # The service validates the listing under lock (with the product and who listed it); the form
        # checks only its own fields.
        pass
