from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuijin.lib.widgets import CompactSelect

from .choices import Role
from .models import Unit, User
from .security import SecurityEventKind


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    full_name = forms.CharField(label=_("full name"), max_length=50)
    title = forms.CharField(label=_("post"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    password = forms.CharField(
        label=_("initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The holder must choose a new password at first sign-in."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This user name is taken: every account is unique."))
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            try:
                validate_password(password, User(username=data.get("username", ""), full_name=data.get("full_name", "")))
            except ValidationError as exc:
                self.add_error("password", exc)
        return data

    @staticmethod
    def password_rules():
        return password_validators_help_texts()


class AccountAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=[("", "—")] + list(Role.choices), required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.active(), required=False, widget=CompactSelect)

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in (Role.TOWN, Role.DEPARTMENT, Role.OWNER) and not data.get("unit"):
            self.add_error("unit", _("A town, department or owner account needs its unit."))
        return data


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "code", "order"]


class SecurityLogFilter(forms.Form):
    kind = forms.ChoiceField(label=_("event"), choices=[("", _("All events"))] + list(SecurityEventKind.choices), required=False)
    user = forms.CharField(label=_("user name"), required=False)
    start = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class HistoryFilter(forms.Form):
    model = forms.ChoiceField(label=_("record"), required=False)
    user = forms.CharField(label=_("user name"), required=False)
    start = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, models=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All records"))] + list(models)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("one-time code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
