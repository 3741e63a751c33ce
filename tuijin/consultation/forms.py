"""Forms of the consultation pages. They only collect input; services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.orgs.choices import Role, UnitKind
from tuijin.orgs.models import Unit, User

from .choices import LADDER, Level, MeetingKind, ProblemCategory, ProblemStatus, Urgency
from .models.attachments import validate_attachment


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each checked for type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in cleaned:
            validate_attachment(f)
        return cleaned


def _departments():
    return Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).order_by("order", "name")


class RaiseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("One line: what blocks the project."))
    category = forms.ChoiceField(label=pgettext_lazy("consultation", "Category"), choices=ProblemCategory.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    level = forms.ChoiceField(label=_("Submit to"), choices=())
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Unit.objects.none(), required=False,
        help_text=_("Only when submitting to a department; empty: the project's department."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is blocked, since when, what has been tried, what is needed and from whom."),
    )
    files = MultipleFileField(label=_("Attachments"), help_text=_("PDF, Word, Excel, images or ZIP; up to 10 MB each."))

    def __init__(self, *args, levels: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lvl, Level(lvl).label) for lvl in levels]
        self.fields["level"].initial = levels[0] if levels else None
        self.fields["department"].queryset = _departments()


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Proposed resolution"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Attachments"))


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("Reason for escalation"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Unit.objects.none(), required=False,
        help_text=_("When the problem goes to a department; empty: the project's department."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()


class CloseForm(forms.Form):
    text = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not solved"), widget=forms.Textarea(attrs={"rows": 3}))


class ProblemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(label=pgettext_lazy("consultation", "Level"), required=False, choices=[("", _("All levels"))] + [(lvl, Level(lvl).label) for lvl in LADDER])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *ProblemStatus.choices])
    category = forms.ChoiceField(label=pgettext_lazy("consultation", "Category"), required=False, choices=[("", _("All categories")), *ProblemCategory.choices])
    unit = forms.ModelChoiceField(label=_("Responsible unit"), required=False, queryset=Unit.objects.none(), empty_label=_("All units"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.exclude(kind=UnitKind.ENTERPRISE).order_by("kind", "order")


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=120, help_text=_("Empty: numbered automatically."))
    place = forms.CharField(label=_("Place"), required=False, max_length=100)
    chair = forms.ModelChoiceField(label=_("Chair"), required=False, queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = User.objects.filter(role=Role.LEADER, is_active=True)
        if not self.is_bound:
            self.fields["starts_at"].initial = timezone.localtime().replace(hour=14, minute=30, second=0, microsecond=0)


class RecordForm(forms.Form):
    chair = forms.ModelChoiceField(label=_("Chair"), required=False, queryset=User.objects.none())
    place = forms.CharField(label=_("Place"), required=False, max_length=100)
    leaders = forms.ModelMultipleChoiceField(
        label=_("Attending leaders"), required=False, queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Attending units"), required=False, queryset=Unit.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    other_attendees = forms.CharField(label=_("Other attendees"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    copy_to = forms.CharField(label=_("Copy to"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        leaders = User.objects.filter(role=Role.LEADER, is_active=True)
        self.fields["chair"].queryset = leaders
        self.fields["leaders"].queryset = leaders
        self.fields["units"].queryset = Unit.objects.exclude(kind__in=[UnitKind.ENTERPRISE, UnitKind.COUNTY]).order_by(
            "kind", "order"
        )


class AgendaAddForm(forms.Form):
    problem_number = forms.CharField(label=_("Problem number"), required=False, max_length=20)
    title = forms.CharField(label=_("Or a topic"), required=False, max_length=200)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    cooperating = forms.CharField(label=_("Cooperating units"), required=False, max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    problem = forms.ChoiceField(label=_("Problem"), required=False, choices=())

    def __init__(self, *args, problems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.exclude(kind=UnitKind.COUNTY).order_by("kind", "order", "name")
        self.fields["problem"].choices = [("", _("None (general decision)"))] + [
            (str(p.pk), f"{p.number} {p.title}") for p in problems
        ]


class ActionReportForm(forms.Form):
    evidence = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    files = MultipleFileField(label=_("Evidence files"))


class ActionReturnForm(forms.Form):
    reason = forms.CharField(label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
