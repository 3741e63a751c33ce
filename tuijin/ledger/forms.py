from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.projects.choices import LibraryKind

from .fields import LedgerField
from .models import ColumnMapping

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Ledger file"), help_text=_(".xlsx, .xls, .ods or CSV (UTF-8 or GB18030), up to 50 MB."))
    year = forms.IntegerField(
        label=_("Plan year"), required=False, min_value=2000, max_value=2100,
        help_text=_("Leave empty to use the year the table names."),
    )
    library = forms.ChoiceField(
        label=_("Also admit to library"), required=False,
        choices=[("", _("No, only the project registry"))] + list(LibraryKind.choices),
    )
    mapping = forms.ModelChoiceField(
        label=_("Saved column mapping"), required=False, queryset=ColumnMapping.objects.all(),
        empty_label=_("Recognise the columns automatically"),
    )
    create_owners = forms.BooleanField(label=_("Create unknown owners as enterprises"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload an .xlsx, .xls, .ods or .csv file."))
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB; split the ledger into several files."))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("library") == LibraryKind.ANNUAL and not data.get("year"):
            data["year"] = timezone.localdate().year
        return data


class ConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(label=_("Skip the rows with errors and import the others"), required=False)


class MappingForm(forms.Form):
    """One select per column of the file; optionally saved under a name for next time."""

    save_as = forms.CharField(label=_("Save this mapping as"), required=False, max_length=80)

    def __init__(self, *args, labels: dict[str, str], current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = labels
        choices = [(v, lbl) for v, lbl in LedgerField.choices]
        for col, label in labels.items():
            self.fields[f"col_{col}"] = forms.ChoiceField(
                label=label, choices=choices, initial=current.get(col) or LedgerField.IGNORE, required=True
            )

    def columns(self) -> dict[str, str]:
        return {self.labels[key[4:]]: value for key, value in self.cleaned_data.items() if key.startswith("col_")}

    def column_fields(self):
        return [self[name] for name in self.fields if name.startswith("col_")]
