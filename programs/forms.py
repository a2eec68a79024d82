from django import forms

from programs.models import Bank, BankReferral
from registry.forms import DateInput, RupiahField


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


class ReferralStepForm(forms.Form):
    """One step of the workflow; which fields matter depends on the step."""

    to_status = forms.ChoiceField(choices=BankReferral.Status.choices)
    note = forms.CharField(label="Catatan atau alasan", max_length=500, required=False)
    amount = RupiahField(label="Jumlah (Rp)", required=False)
    on = forms.DateField(label="Tanggal", required=False, widget=DateInput())
