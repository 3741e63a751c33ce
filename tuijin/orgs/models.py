"""Organisations (units) of a county and the people who use Tuijin."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.lib.fields import EncryptedCharField

from .choices import TERRITORIAL_KINDS, Role, UnitKind


class UnitQuerySet(models.QuerySet):
    def territorial(self):
        return self.filter(kind__in=TERRITORIAL_KINDS)

    def departments(self):
        return self.filter(kind=UnitKind.DEPARTMENT)

    def active(self):
        return self.filter(is_active=True)


class Unit(models.Model):
    """An organisation of the county: a street, town or functional area (属地), a department,
    a state-owned company or an enterprise that owns projects (业主单位)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices, db_index=True)
    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        help_text=_("NBS statistical division code, e.g. 330282110."),
        validators=[RegexValidator(r"^\d{6,12}$", _("A division code has 6 to 12 digits."))],
    )
    aliases = models.JSONField(
        _("aliases"), default=list, blank=True, help_text=_("Other names this unit goes by in ledgers.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "order", "code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="unit_code_unique_when_set"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_KINDS

    @property
    def display_short(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A person using Tuijin. Belongs to one unit and holds one role, which decides what they
    may see and change (tuijin.orgs.policy)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, blank=True)
    title = models.CharField(_("post"), max_length=50, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)  # encrypted at rest (等保)
    is_demo = models.BooleanField(_("demo data"), default=False)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        from django.utils import timezone

        self.password_changed_at = timezone.now()

    @property
    def effective_role(self) -> str:
        """Superusers act as the project office."""
        if self.is_superuser and not self.role:
            return Role.OFFICE
        return self.role

    @property
    def is_office(self) -> bool:
        return self.effective_role == Role.OFFICE


from .security import SecurityEvent  # noqa: E402,F401  (the model lives with its service)
