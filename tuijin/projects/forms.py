"""Forms of the project pages. They parse and check input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.lib.money import AmountError, parse_amount
from tuijin.lib.widgets import CompactSelect
from tuijin.orgs.choices import OWNER_KINDS, Role, UnitKind
from tuijin.orgs.models import Unit, User
from tuijin.orgs.policy import role_of

from .choices import DocumentKind, NodeStatus, PlanCategory, Stage
from .models import NodeTemplate, Project
from .models.registry import NATIONAL_CODE_PATTERN
from .services.registry import DOCUMENT_EXTENSIONS


class MoneyField(forms.CharField):
    """An amount typed as 元, 万元 or 亿元 ("3.5亿", "35000", "1,200万元"); cleaned to 万元."""

    def __init__(self, *args, unit: str = "万元", **kwargs):
        self.unit = unit
        kwargs.setdefault(
            "help_text", _("In 10k yuan (万元); 元 and 亿元 are accepted too, e.g. 35000 or 3.5亿.")
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = f"{value:f}"
            return text.rstrip("0").rstrip(".") if "." in text else text
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value, self.unit).value
        except AmountError as exc:
            raise forms.ValidationError(str(exc), code="amount") from None


class ProjectForm(forms.ModelForm):
    """The registry fields of a project. Town officers register only in their own town;
    owners change only their own projects and cannot move them to another owner or town."""

    total_investment = MoneyField(label=_("total investment (10k yuan)"))
    #: The project's version when the form was opened: a save after someone else's is refused.
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "name",
            "national_code",
            "owner",
            "town",
            "department",
            "leader",
            "category",
            "industry_chain",
            "nature",
            "level",
            "total_investment",
            "start_year",
            "end_year",
            "content",
            "address",
            "latitude",
            "longitude",
            "land_area",
            "status",
            "template",
            "is_disclosed",
        ]
        widgets = {
            # A province has thousands of owners and towns (see tuijin.lib.widgets).
            "owner": CompactSelect,
            "town": CompactSelect,
            "department": CompactSelect,
            "content": forms.Textarea(attrs={"rows": 3}),
            "national_code": forms.TextInput(attrs={"placeholder": "2509-330282-89-01-544060"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        role = role_of(user)
        fields = self.fields
        fields["national_code"].help_text = _(
            "24 characters: YYMM-DDDDDD-CC-TT-NNNNNN, e.g. 2509-330282-89-01-544060. Leave empty until issued."
        )
        fields["national_code"].widget.attrs["pattern"] = NATIONAL_CODE_PATTERN.strip("^$")
        # Only what an option shows: a province has thousands of units, each with JSON aliases.
        fields["owner"].queryset = Unit.objects.active().filter(kind__in=OWNER_KINDS).order_by("kind", "order", "name").only("pk", "name")
        fields["town"].queryset = Unit.objects.active().territorial().only("pk", "name")
        fields["department"].queryset = Unit.objects.active().departments().only("pk", "name")
        fields["leader"].queryset = User.objects.filter(role=Role.LEADER, is_active=True)
        fields["template"].queryset = NodeTemplate.objects.all()
        fields["template"].help_text = _("The node chain is created from it when the project is registered.")
        if self.instance.pk:
            # The chain exists already; changing it is the project office's business in the settings.
            del fields["template"]
            fields["edit_version"].initial = self.instance.edit_version
        else:
            del fields["edit_version"]
        if role == Role.TOWN:
            fields["town"].queryset = Unit.objects.filter(pk=user.unit_id)
            fields["town"].required = True
            fields["town"].empty_label = None
            fields["town"].initial = user.unit_id
        if role == Role.DEPARTMENT and not self.instance.pk:
            fields["department"].initial = user.unit_id
        if role == Role.OWNER:
            for name in ("owner", "town"):
                fields[name].disabled = True

    def clean_national_code(self):
        return (self.cleaned_data.get("national_code") or "").strip()

    def clean_town(self):
        town = self.cleaned_data.get("town")
        if role_of(self.user) == Role.TOWN and (town is None or town.pk != self.user.unit_id):
            raise forms.ValidationError(_("Town officers register projects in their own town only."))
        return town

    def service_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data and name != "edit_version"
        }


class TaskForceForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    duty = forms.CharField(label=_("role in task force"), max_length=50)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [i for i in (project.owner_id, project.town_id, project.department_id) if i]
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=ids) | Unit.objects.filter(kind=UnitKind.DEPARTMENT)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("file"),
        help_text=_("PDF, OFD, Word, Excel, WPS, JPG, PNG or ZIP, at most 20 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in DOCUMENT_EXTENSIONS)


class NodeForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=NodeStatus.choices)
    planned_date = forms.DateField(label=_("planned date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actual_date = forms.DateField(label=_("actual date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    document_number = forms.CharField(
        label=pgettext_lazy("approval document", "document number"), max_length=80, required=False, help_text=_("For approval items, e.g. 慈发改投〔2026〕12号.")
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("move to stage"), choices=Stage.choices)
    override = forms.BooleanField(
        label=_("Override the gate (project office; recorded with the reason)"), required=False
    )
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override"]

    def clean(self):
        data = super().clean()
        if data.get("override") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("An override needs a reason."))
        return data


SPLIT_CHOICES = [
    ("seasonal", _("By the construction season")),
    ("even", _("Evenly over the months")),
    ("manual", _("As entered below")),
]


class AnnualPlanForm(forms.Form):
    """The figures a project brings into the annual plan."""

    category = forms.ChoiceField(label=_("plan category"), choices=PlanCategory.choices)
    planned_investment = MoneyField(label=_("annual planned investment (10k yuan)"))
    #: The plan line's version when the form was opened (adjustments only).
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    progress_target = forms.CharField(label=_("physical-progress target"), max_length=300, required=False)
    planned_start_month = forms.TypedChoiceField(
        label=_("planned start month"),
        choices=[("", "—")] + [(m, str(m)) for m in range(1, 13)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    planned_completion = forms.RegexField(
        label=_("planned completion (YYYY-MM)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": _("Write the month as YYYY-MM, e.g. 2027-06.")},
        widget=forms.TextInput(attrs={"placeholder": "2027-06"}),
    )
    split = forms.ChoiceField(label=_("monthly split"), choices=SPLIT_CHOICES, initial="seasonal", widget=forms.RadioSelect)
    source = forms.CharField(label=_("source"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_start_month"].choices = [("", "—")] + [
            (m, _("Month %(m)s") % {"m": m}) for m in range(1, 13)
        ]
        for month in range(1, 13):
            self.fields[f"m{month}"] = MoneyField(label=_("Month %(m)s") % {"m": month}, required=False, help_text="")

    @property
    def month_fields(self):
        return [self[f"m{m}"] for m in range(1, 13)]

    def months(self) -> dict[int, Decimal]:
        return {m: self.cleaned_data.get(f"m{m}") or Decimal(0) for m in range(1, 13) if self.cleaned_data.get(f"m{m}")}

    def clean(self):
        data = super().clean()
        if data.get("split") == "manual" and not self.months():
            self.add_error("split", _("Enter the monthly amounts, or choose an automatic split."))
        return data


class SubmitForm(forms.Form):
    source = forms.CharField(label=_("source"), max_length=40, required=False, help_text=_("Town, department, investment attraction …"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class FreezeForm(forms.Form):
    label = forms.CharField(label=_("label"), max_length=40, required=False, help_text=_("e.g. 2026年年初计划; empty: the standard name."))
    confirm = forms.BooleanField(label=_("I confirm: the version is adopted as it stands and can no longer be changed."))
