"""Forms of the reporting pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.lib.money import AmountError, parse_amount


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    amount = forms.CharField(
        label=_("Investment completed this month (10k yuan)"),
        help_text=_("In 万元; 元 and 亿 are understood too, e.g. 1200, 350万元, 0.8亿."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    progress = forms.CharField(
        label=_("Physical progress this month"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_registered = forms.BooleanField(label=_("Registered in statistics (入统)"), required=False)
    explanation = forms.CharField(
        label=_("Explanation for the verifier"),
        required=False,
        help_text=_("Needed when year to date runs well above the annual plan."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos = MultiplePhotoField(
        label=_("Site photos"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 10 MB each; time and place are read from the photo when recorded."),
        widget=MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True}),
    )

    #: The report's version when the form was opened: a save after someone else's is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"]).value
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from None


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}))
    opens_on = forms.DateField(label=_("Filing opens"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Filing closes"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
