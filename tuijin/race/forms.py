from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.lib.errors import ServiceError

from .periods import Period


class ComputeForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=8, help_text=_("2026-09, 2026-Q3 or 2026"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except ServiceError as exc:
            raise forms.ValidationError(exc.messages) from None


class WhatIfForm(forms.Form):
    """One weight field per indicator of the version, built at run time."""

    def __init__(self, *args, settings=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in settings:
            self.fields[item.code] = forms.DecimalField(
                label=str(item), min_value=Decimal(0), max_value=Decimal(1000), decimal_places=2, initial=item.weight
            )
