"""Forms of buyer inquiries: the buyer's public form (with its abuse guards), staff's own record, a move."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import ExportFacilitation, Inquiry, Placement
from registry.countries import COUNTRY_CHOICES
from registry.forms import DateInput, RupiahField
from registry.validators import normalize_phone

# The whole public form, every field together, is far below this; a larger body is not a buyer typing.
MAX_BODY_BYTES = 12 * 1024
MAX_QUANTITY = 10_000_000
HONEYPOT = "website"


class InquiryForm(forms.ModelForm):
    """What a buyer tells about themselves and their need; every field has a length limit."""

    destination_country = forms.ChoiceField(label=_("Negara tujuan"), choices=COUNTRY_CHOICES, initial="ID")
    quantity = forms.IntegerField(label=_("Jumlah yang dibutuhkan"), min_value=1, max_value=MAX_QUANTITY)
    # The honeypot: hidden from people (CSS and aria-hidden), filled by form-filling bots.
    website = forms.CharField(
        label=_("Jangan diisi"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Inquiry
        fields = [
            "buyer_name",
            "buyer_organisation",
            "buyer_kind",
            "buyer_email",
            "buyer_phone",
            "quantity",
            "destination",
            "destination_country",
            "needed_by",
            "message",
        ]
        widgets = {"needed_by": DateInput(), "message": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "buyer_name": _("Nama Anda"),
            "buyer_organisation": _("Perusahaan atau instansi"),
            "buyer_kind": _("Anda membeli sebagai"),
            "buyer_email": _("E-mail"),
            "buyer_phone": _("Telepon atau WhatsApp (boleh kosong)"),
            "destination": _("Kota atau tempat tujuan"),
            "needed_by": _("Dibutuhkan sebelum (boleh kosong)"),
            "message": _("Pesan (boleh kosong)"),
        }
        help_texts = {"buyer_email": _("Tautan untuk mengikuti permintaan Anda dikirim ke alamat ini.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer_email"].required = True
        self.fields["buyer_email"].widget.attrs["autocomplete"] = "email"
        self.fields["buyer_name"].widget.attrs["autocomplete"] = "name"
        self.fields["buyer_organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["buyer_phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    @property
    def is_bot(self):
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    def clean_buyer_phone(self):
        phone = self.cleaned_data["buyer_phone"].strip()
        return normalize_phone(phone) if phone else ""

    def clean_needed_by(self):
        day = self.cleaned_data["needed_by"]
        today = timezone.localdate()
        if day and day < today:
            raise ValidationError(_("Tanggal ini sudah lewat."))
        if day and day > today + datetime.timedelta(days=2 * 366):
            raise ValidationError(_("Pilih tanggal dalam dua tahun ke depan."))
        return day


class StaffInquiryForm(InquiryForm):
    """An inquiry staff received: the buyer's e-mail may be unknown, a product of the business may be named."""

    website = None

    class Meta(InquiryForm.Meta):
        fields = ["product", *InquiryForm.Meta.fields]
        labels = {**InquiryForm.Meta.labels, "buyer_name": _("Nama pembeli"), "buyer_email": _("E-mail pembeli")}
        help_texts = {
            "buyer_email": _("Jika diisi, pembeli menerima tautan untuk mengikuti permintaannya."),
        }

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer_email"].required = False
        self.fields["buyer_email"].help_text = StaffInquiryForm.Meta.help_texts["buyer_email"]
        self.fields["buyer_name"].label = _("Nama pembeli")
        self.fields["product"].queryset = business.products.order_by("name")
        self.fields["product"].required = False


class InquiryMoveForm(forms.Form):
    """One move of an inquiry; which details a move needs is the service's rule (programs.inquiries)."""

    to_status = forms.ChoiceField(label=_("Langkah"), choices=Inquiry.Status.choices)
    note = forms.CharField(label=_("Catatan internal (boleh kosong)"), max_length=500, required=False)
    order_quantity = forms.IntegerField(label=_("Jumlah dipesan"), min_value=1, max_value=MAX_QUANTITY, required=False)
    order_value = RupiahField(label=_("Nilai pesanan (Rp)"), required=False)
    placement = forms.ModelChoiceField(
        label=_("Penempatan yang sudah ada"), queryset=Placement.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("Saluran"), choices=[("", "---------"), *Placement.Channel.choices], required=False
    )
    retailer = forms.CharField(label=_("Peritel"), max_length=100, required=False)
    partner = forms.CharField(label=_("Mitra/toko"), max_length=150, required=False)
    export = forms.ModelChoiceField(
        label=_("Fasilitasi ekspor yang sudah ada"), queryset=ExportFacilitation.objects.none(), required=False
    )
    country = forms.ChoiceField(
        label=_("Negara tujuan"), choices=lambda: [("", "---------"), *COUNTRY_CHOICES], required=False
    )
    export_value = RupiahField(label=_("Nilai ekspor (Rp)"), required=False)
    organiser = forms.CharField(label=_("Dinas fasilitator"), max_length=150, required=False)
    close_reason = forms.ChoiceField(
        label=_("Alasan ditutup"), choices=[("", "---------"), *Inquiry.CloseReason.choices], required=False
    )

    def __init__(self, *args, inquiry, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = (
            Placement.objects.visible_to(user)
            .filter(submission__product=inquiry.product_id)
            .select_related("submission__product")
        )
        self.fields["export"].queryset = ExportFacilitation.objects.visible_to(user).filter(
            business=inquiry.business_id
        )
        if not self.is_bound:
            self.fields["country"].initial = inquiry.destination_country
            self.fields["retailer"].initial = inquiry.buyer_organisation
            self.fields["order_quantity"].initial = inquiry.quantity

    def service_arguments(self):
        """The move's details as programs.inquiries.move_inquiry takes them."""
        data = self.cleaned_data
        to_status = data["to_status"]
        arguments = {"to_status": to_status, "note": data["note"]}
        if to_status == Inquiry.Status.ORDER:
            arguments.update(order_quantity=data["order_quantity"], order_value=data["order_value"])
        elif to_status == Inquiry.Status.PLACEMENT:
            if self.data.get("kind") == "export":
                if data["export"] is not None:
                    arguments["export"] = data["export"]
                else:
                    if not data["country"] or not data["export_value"] or not data["organiser"]:
                        raise ValidationError(_("Isi negara, nilai dan dinas fasilitator ekspor, atau pilih yang ada."))
                    arguments["new_export"] = {
                        "country": data["country"],
                        "value": data["export_value"],
                        "organiser": data["organiser"],
                    }
            elif data["placement"] is not None:
                arguments["placement"] = data["placement"]
            else:
                if not data["channel"] or not data["retailer"] or not data["partner"]:
                    raise ValidationError(_("Isi saluran, peritel dan mitra penempatan, atau pilih yang ada."))
                arguments["new_placement"] = {
                    "channel": data["channel"],
                    "retailer": data["retailer"],
                    "partner": data["partner"],
                }
        elif to_status == Inquiry.Status.CLOSED:
            arguments["close_reason"] = data["close_reason"]
        return arguments
