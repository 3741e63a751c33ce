"""Forms of the breakthrough ledgers. They parse and present; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.lib.errors import ServiceError
from tuijin.lib.money import AmountError, parse_amount
from tuijin.orgs.choices import TERRITORIAL_KINDS, UnitKind
from tuijin.orgs.models import Unit
from tuijin.projects.choices import Nature
from tuijin.projects.models import Category, IndustryChain, NodeTemplate

from .choices import LeadSource, LeadStage, ResourceKind
from .models import FundSource, Lead


class MoneyField(forms.CharField):
    """An amount in 万元; accepts 元/万元/亿元 written in the cell ("3.5亿", "4,600")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("In 10k yuan; 亿 and 元 are converted."))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", None):
            return Decimal(0) if not self.required else None
        try:
            return parse_amount(value).value
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
        return value


class QuantityField(forms.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(*args, **kwargs)


def apply_service_error(form: forms.Form, exc: ServiceError) -> None:
    """Show a service's refusal on the form: per field where it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FundSourceForm(forms.ModelForm):
    applied = MoneyField(label=_("applied (10k yuan)"), required=False)
    approved = MoneyField(label=_("approved (10k yuan)"), required=False)
    received = MoneyField(label=_("received (10k yuan)"), required=False)
    spent = MoneyField(label=_("spent (10k yuan)"), required=False)

    class Meta:
        model = FundSource
        fields = [
            "kind", "year", "title", "document_number", "applied", "approved", "received", "spent",
            "applied_on", "approved_on", "received_on", "spent_as_of", "note",
        ]
        widgets = dict.fromkeys(("applied_on", "approved_on", "received_on", "spent_as_of"), DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)

    def _post_clean(self):
        # The services enforce the rules (with messages per field); skip the model's own checks here.
        pass


class BondPlanForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args, months: dict[int, Decimal] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for m in range(1, 13):
            self.fields[f"m{m}"] = MoneyField(label=_("Month %(m)s") % {"m": m}, required=False, help_text="")
            if months and m in months:
                self.initial[f"m{m}"] = months[m]

    def months(self) -> dict[tuple[int, int], Decimal]:
        year = self.cleaned_data["year"]
        return {(year, m): self.cleaned_data.get(f"m{m}") or Decimal(0) for m in range(1, 13)}


class QuotaForm(forms.Form):
    kind = forms.ChoiceField(label=_("resource"), choices=ResourceKind.choices)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    amount = QuantityField(label=_("quota"))
    managing_unit = forms.ModelChoiceField(
        label=_("allocating department"), queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT), required=False
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class AllocationForm(forms.Form):
    kind = forms.ChoiceField(label=_("resource"), choices=ResourceKind.choices)
    year = forms.IntegerField(label=_("quota year"), min_value=2000, max_value=2100)
    amount = QuantityField(label=_("amount"))
    allocated_on = forms.DateField(label=_("allocated on"), widget=DATE)
    document_number = forms.CharField(label=_("document number"), max_length=80, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class DemandForm(forms.Form):
    def __init__(self, *args, current: dict[str, Decimal] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ResourceKind:
            from .choices import RESOURCE_UNITS

            self.fields[kind.value] = QuantityField(
                label=f"{kind.label}（{RESOURCE_UNITS[kind]}）", required=False,
                help_text=_("Total need of the project; 0 or empty means none."),
            )
            if current and kind.value in current:
                self.initial[kind.value] = current[kind.value]


class LeadForm(forms.ModelForm):
    intended_amount = MoneyField(label=_("intended investment (10k yuan)"))

    class Meta:
        model = Lead
        fields = [
            "name", "investor", "investor_origin", "source", "industry_chain", "intended_amount", "town",
            "responsible_unit", "first_contact_on", "contact", "note",
        ]
        widgets = {"first_contact_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Unit.objects.filter(kind__in=TERRITORIAL_KINDS)
        self.fields["responsible_unit"].queryset = Unit.objects.filter(
            kind__in=[*TERRITORIAL_KINDS, UnitKind.DEPARTMENT]
        )
        self.fields["source"].choices = LeadSource.choices
        self.fields["industry_chain"].queryset = IndustryChain.objects.all()
        if self.instance.pk:
            self.fields.pop("first_contact_on")

    def _post_clean(self):
        pass


class AdvanceForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("move to"), choices=LeadStage.choices)
    on = forms.DateField(label=_("date"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        later = LeadStage.values[LeadStage.order(lead.stage) + 1:]
        self.fields["to_stage"].choices = [(v, LeadStage(v).label) for v in later]
        self.initial.setdefault("on", timezone.localdate())


class ConvertForm(forms.Form):
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.all())
    nature = forms.ChoiceField(label=_("investment nature"), choices=Nature.choices, initial=Nature.ENTERPRISE)
    department = forms.ModelChoiceField(
        label=_("responsible department"), queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT), required=False
    )
    template = forms.ModelChoiceField(label=_("node template"), queryset=NodeTemplate.objects.all(), required=False)
    total_investment = MoneyField(label=_("total investment (10k yuan)"))
    start_year = forms.IntegerField(label=_("start year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("end year"), min_value=2000, max_value=2100)
    land_area = forms.DecimalField(label=_("land area (mu)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    content = forms.CharField(label=_("construction content and scale"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.initial.setdefault("category", Category.objects.filter(name="产业").first())
        self.initial.setdefault("template", NodeTemplate.objects.filter(nature=Nature.ENTERPRISE).first())
        self.initial.setdefault("total_investment", lead.intended_amount)
        self.initial.setdefault("start_year", year + 1)
        self.initial.setdefault("end_year", year + 2)
        self.initial.setdefault("content", lead.note)
        if lead.responsible_unit.kind == UnitKind.DEPARTMENT:
            self.initial.setdefault("department", lead.responsible_unit)

    def clean(self):
        data = super().clean()
        if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
            self.add_error("end_year", _("The end year is before the start year."))
        return data
