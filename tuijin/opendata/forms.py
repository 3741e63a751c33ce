from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.orgs.models import User

from .events import event_choices
from .models import WebhookSubscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"), max_length=500, assume_scheme="https",
        help_text=_("Receives a POST with a JSON body for each event."),
    )
    events = forms.MultipleChoiceField(label=_("events"), widget=forms.CheckboxSelectMultiple, choices=())

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = event_choices()


class TokenIssueForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("account"),
        queryset=User.objects.filter(is_active=True).exclude(role="").select_related("unit").order_by("unit__name", "username"),
        help_text=_("The token acts with this account's role and unit. Create a dedicated account for each system."),
        empty_label=_("Choose an account"),
    )
