"""The project registry: what a county ledger carries about each project."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.lib.fields import EncryptedCharField

from ..choices import DocumentKind, Level, LibraryKind, Nature, ProjectStatus, Stage

NATIONAL_CODE_PATTERN = r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$"
national_code_validator = RegexValidator(
    NATIONAL_CODE_PATTERN,
    _("The national project code has 24 characters in the form YYMM-DDDDDD-CC-TT-NNNNNN, e.g. 2509-330282-89-01-544060."),
)


class Category(models.Model):
    """Project category (项目类别): 产业, 基础设施, 社会民生 …"""

    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class IndustryChain(models.Model):
    """One of the county's landmark industrial chains (产业链), e.g. 智能家电, 高端轴承."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def with_related(self):
        return self.select_related("owner", "town", "department", "leader", "category", "industry_chain")


class Project(models.Model):
    """A major investment project, from idea to operation."""

    code = models.CharField(_("project number"), max_length=20, unique=True, editable=False)
    national_code = models.CharField(
        _("national project code"),
        max_length=24,
        blank=True,
        validators=[national_code_validator],
        help_text=_("Issued by the national online approval platform; leave empty until issued."),
    )
    name = models.CharField(_("project name"), max_length=200)
    owner = models.ForeignKey(
        "orgs.Unit", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_projects"
    )
    town = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        related_name="town_projects",
        db_index=False,  # the (town, library, stage) index below starts with it
        null=True,
        blank=True,
        help_text=_("Street, town or functional area where the project lies; empty for a county-level project."),
    )
    department = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="department_projects",
        null=True,
        blank=True,
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_projects",
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    industry_chain = models.ForeignKey(
        IndustryChain, verbose_name=_("industry chain"), on_delete=models.PROTECT, null=True, blank=True
    )
    nature = models.CharField(_("investment nature"), max_length=12, choices=Nature.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.CITY)
    content = models.TextField(_("construction content and scale"), blank=True)
    total_investment = models.DecimalField(
        _("total investment (10k yuan)"), max_digits=16, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    land_area = models.DecimalField(
        _("land area (mu)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDEA)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    library = models.CharField(
        _("library"),
        max_length=10,
        choices=LibraryKind.choices,
        blank=True,
        help_text=_("The highest library the project is admitted to; kept by the library services."),
    )
    template = models.ForeignKey(
        "projects.NodeTemplate", verbose_name=_("node template"), on_delete=models.PROTECT, null=True, blank=True
    )
    is_disclosed = models.BooleanField(
        _("publicly disclosed"), default=True, help_text=_("Shown on the public list of major projects.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("project registration", "created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("project registration", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    edit_version = models.PositiveIntegerField(
        _("edit version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save of the registry fields; a form opened at an older version cannot save."),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-total_investment", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_code"], condition=~Q(national_code=""), name="project_national_code_unique"
            ),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="project_years_ordered"),
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_investment_not_negative"),
        ]
        # Every index is written by every import of a ledger: a column of a few values (level,
        # status, library) gets none — a county-wide filter on it reads the table anyway — and
        # no column gets a second, LIKE-only copy (Django's default for an indexed CharField).
        indexes = [
            models.Index(fields=["town", "library", "stage"]),
            models.Index(fields=["name"], name="project_name"),  # matching ledger rows by name
            models.Index(fields=["stage"], name="project_stage"),
            # The few deleted projects, for anti-joins that leave them out of county-wide counts
            # without joining every row to every live project.
            models.Index(fields=["id"], condition=Q(deleted_at__isnull=False), name="project_deleted"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        project = super().from_db(db, field_names, values)
        # The town as loaded: a save that changes it tells tuijin.projects.signals.projects_moved.
        if "town_id" in project.__dict__:
            project._loaded_town_id = project.town_id
        return project

    def clean(self) -> None:
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The end year %(end)s is before the start year %(start)s.") % {
                "end": self.end_year,
                "start": self.start_year,
            }
        if self.town_id and not self.town.is_territorial:
            errors["town"] = _("%(unit)s is not a street, town or functional area.") % {"unit": self.town}
        if self.national_code:
            clash = Project.objects.filter(national_code=self.national_code).exclude(pk=self.pk).first()
            if clash:
                errors["national_code"] = _("The code %(code)s is already used by %(project)s.") % {
                    "code": self.national_code,
                    "project": clash.name,
                }
        if errors:
            raise ValidationError(errors)

    @property
    def years_display(self) -> str:
        return f"{self.start_year}—{self.end_year}"


def document_path(instance: ProjectDocument, filename: str) -> str:
    return f"projects/{instance.project_id}/documents/{filename}"


class ProjectDocument(models.Model):
    """A typed document of a project, kept in Django storage."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class TaskForceMember(models.Model):
    """A member of a project's task force (专班): part of its responsibility chain."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="task_force"
    )
    name = models.CharField(_("name"), max_length=50)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True)
    duty = models.CharField(_("role in task force"), max_length=50)
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)  # encrypted at rest (等保)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.duty})"
