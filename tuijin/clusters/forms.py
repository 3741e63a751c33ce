"""Forms of the project office. They parse and check input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.lib.money import AmountError, parse_amount

from .choices import AllocationMethod, ContributionKind, DistributionMethod, ShareholderKind
from .models import Village


class MoneyField(forms.CharField):
    """An amount in 万元; 元 and 亿元 are accepted when written ("150万", "1.2亿", "30000元")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value).value
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from None


class QuantityField(forms.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(*args, **kwargs)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("company name"), max_length=100)
    registered_capital = MoneyField(label=_("registered capital (10k yuan)"), required=False)
    established = forms.DateField(label=_("established"), required=False, widget=DATE)
    legal_representative = forms.CharField(label=_("legal representative"), max_length=30, required=False)
    business_scope = forms.CharField(label=_("business and projects"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ShareholderForm(forms.Form):
    kind = forms.ChoiceField(label=_("shareholder kind"), choices=ShareholderKind.choices)
    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none(), required=False,
                                     help_text=_("For a village collective: its village."))
    name = forms.CharField(label=_("shareholder"), max_length=100, required=False,
                           help_text=_("Left empty for a village collective: named after its village."))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = company.cluster.villages.order_by("order", "name")

    def clean(self):
        data = super().clean()
        kind, village = data.get("kind"), data.get("village")
        if kind == ShareholderKind.VILLAGE and not village:
            self.add_error("village", _("A village collective shareholder names its village."))
        if kind and kind != ShareholderKind.VILLAGE:
            if village:
                self.add_error("village", _("Only a village collective names a village."))
            if not data.get("name"):
                self.add_error("name", _("Give the shareholder's name."))
        if kind == ShareholderKind.VILLAGE and village and not data.get("name"):
            data["name"] = f"{village.name}股份经济合作社"
        return data


class ContributionsForm(forms.Form):
    """One shareholder's contributions of every kind, on one form."""

    land = QuantityField(label=_("Land (mu)"), required=False)
    land_valuation = MoneyField(label=_("Land valuation (10k yuan)"), required=False,
                                help_text=_("Appraised value of the whole plot; needed when land counts as equity."))
    cash = MoneyField(label=_("Cash (10k yuan)"), required=False)
    assets = MoneyField(label=_("Assets at appraised value (10k yuan)"), required=False)
    population = QuantityField(label=_("Population (persons)"), required=False, decimal_places=0)
    labour = QuantityField(label=_("Labour (person-days)"), required=False)

    KINDS = {
        ContributionKind.LAND: "land", ContributionKind.CASH: "cash", ContributionKind.ASSETS: "assets",
        ContributionKind.POPULATION: "population", ContributionKind.LABOUR: "labour",
    }

    def clean(self):
        data = super().clean()
        if data.get("land_valuation") is not None and not data.get("land"):
            self.add_error("land", _("Give the land area the valuation is for."))
        return data


class RuleForm(forms.Form):
    method = forms.ChoiceField(label=_("allocation method"), choices=AllocationMethod.choices,
                               widget=forms.RadioSelect)
    weight_land = forms.DecimalField(label=_("weight of land"), required=False, min_value=0, max_value=1, decimal_places=6)
    weight_cash = forms.DecimalField(label=_("weight of cash"), required=False, min_value=0, max_value=1, decimal_places=6)
    weight_assets = forms.DecimalField(label=_("weight of assets"), required=False, min_value=0, max_value=1, decimal_places=6)
    weight_population = forms.DecimalField(label=_("weight of population"), required=False, min_value=0, max_value=1,
                                           decimal_places=6)
    weight_labour = forms.DecimalField(label=_("weight of labour"), required=False, min_value=0, max_value=1, decimal_places=6)
    population_pool = MoneyField(label=_("capital apportioned by population (10k yuan)"), required=False,
                                 help_text=_("Fixed cash plus population method: the sum shared out by population."))
    guaranteed_rate = forms.DecimalField(label=_("guaranteed dividend rate (%)"), required=False, min_value=0,
                                         max_value=100, decimal_places=3,
                                         help_text=_("Optional: yearly minimum dividend on the valued contribution."))
    rounding_places = forms.IntegerField(label=_("decimal places of published shares (%)"), initial=4, min_value=0,
                                         max_value=6)
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    approved_by = forms.CharField(label=_("approving body"), max_length=100, initial="股东会",
                                  help_text=_("e.g. the shareholders' meeting or the villages' members' representative assembly."))
    approved_on = forms.DateField(label=pgettext_lazy("resolution", "approved on"), required=False, widget=DATE)
    document_number = forms.CharField(label=_("resolution number"), max_length=60, required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    WEIGHT_FIELDS = ["weight_land", "weight_cash", "weight_assets", "weight_population", "weight_labour"]

    def weights(self) -> dict[str, Decimal]:
        return {
            name.removeprefix("weight_"): self.cleaned_data[name]
            for name in self.WEIGHT_FIELDS if self.cleaned_data.get(name) is not None
        }


class DistributionForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    method = forms.ChoiceField(label=_("distribution method"), choices=DistributionMethod.choices,
                               widget=forms.RadioSelect)
    guaranteed_rate = forms.DecimalField(label=_("guaranteed dividend rate (%)"), required=False, min_value=0,
                                         max_value=100, decimal_places=3,
                                         help_text=_("Empty: the rate of the rule in force."))


class IncomeForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    operating_income = MoneyField(label=_("operating income (10k yuan)"))
    distributable = MoneyField(label=_("distributable amount (10k yuan)"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class CoalitionForm(forms.Form):
    """One field per non-empty coalition of shareholders (for a Shapley rule)."""

    def __init__(self, *args, coalitions, initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coalitions = coalitions
        initial_values = initial_values or {}
        for n, members in enumerate(coalitions):
            ids = frozenset(h.pk for h in members)
            self.fields[f"c{n}"] = MoneyField(label=" + ".join(h.name for h in members), required=True,
                                              initial=initial_values.get(ids))

    def incomes(self) -> dict[frozenset[int], Decimal]:
        return {frozenset(h.pk for h in members): self.cleaned_data[f"c{n}"] for n, members in enumerate(self.coalitions)}


class ProjectLinkForm(forms.Form):
    code = forms.CharField(label=_("project number"), max_length=20, help_text=_("e.g. TJ2026-00042"))
    village = forms.ModelChoiceField(label=_("host village"), queryset=Village.objects.none(), required=False)
    expected_income = MoneyField(label=_("expected income per year (10k yuan)"), required=False)

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = cluster.villages.order_by("order", "name")
