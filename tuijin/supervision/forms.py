import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.lib.widgets import CompactSelect
from tuijin.orgs.models import Unit
from tuijin.projects.models import Project

from .choices import Colour, OrderKind


class BoardFilter(forms.Form):
    town = forms.ModelChoiceField(label=_("Town"), queryset=Unit.objects.territorial(), required=False,
                                  empty_label=_("All towns"), widget=CompactSelect)
    colour = forms.ChoiceField(label=_("Colour"), choices=[("", _("All colours")), *Colour.choices], required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("All rules")), *rules]


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrderKind.choices)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.filter(
        kind__in=["street", "town", "area", "department", "soe", "enterprise"]).order_by("kind", "order", "name"),
        widget=CompactSelect)
    projects = forms.ModelMultipleChoiceField(label=_("Projects"), queryset=Project.objects.none(),
                                              widget=forms.SelectMultiple(attrs={"size": 6}))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("What is required"), widget=forms.Textarea)
    reply_due = forms.DateField(label=_("Reply by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects if projects is not None else Project.objects.alive()

    def clean_reply_due(self):
        day = self.cleaned_data["reply_due"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The reply deadline is already past."))
        return day


class ReplyForm(forms.Form):
    plan = forms.CharField(label=_("Rectification plan"), widget=forms.Textarea,
                           help_text=_("Measures, who is responsible, milestones."))
    rectify_by = forms.DateField(label=_("Rectified by"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_rectify_by(self):
        day = self.cleaned_data["rectify_by"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The rectification date is already past."))
        return day


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return")), ("escalate", pgettext_lazy("supervision order", "Escalate"))])
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("return", "escalate") and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why."))
        return data


class BulletinForm(forms.Form):
    period = forms.CharField(label=_("Month"), max_length=7, help_text=_("e.g. 2026-10"))

    def clean_period(self):
        from tuijin.lib.errors import ServiceError
        from tuijin.race.periods import Period

        try:
            period = Period.parse(self.cleaned_data["period"])
        except ServiceError as exc:
            raise forms.ValidationError(exc.messages) from None
        if period.kind != "month":
            raise forms.ValidationError(_("The bulletin is monthly: write a month such as 2026-10."))
        return period


def default_reply_due(kind: str) -> dt.date:
    from .services.orders import DEFAULT_REPLY_DAYS

    return timezone.localdate() + dt.timedelta(days=DEFAULT_REPLY_DAYS[kind])
