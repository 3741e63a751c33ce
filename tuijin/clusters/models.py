"""Rural cluster development (党建引领乡村片区组团发展): villages grouped into clusters under a
joint Party committee, their projects, the joint companies they fund, how the shares of those
companies are allocated and how their income is distributed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuijin.orgs.choices import TERRITORIAL_KINDS

from .choices import UNITS, AllocationMethod, ContributionKind, DistributionMethod, ShareholderKind

MONEY = {"max_digits": 16, "decimal_places": 4}
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class Village(models.Model):
    """An administrative village (行政村) of a town; its collective (村股份经济合作社) is the
    shareholder in joint companies."""

    town = models.ForeignKey(
        "orgs.Unit", verbose_name=_("town"), on_delete=models.PROTECT, related_name="villages",
        limit_choices_to={"kind__in": TERRITORIAL_KINDS},
    )
    name = models.CharField(_("village"), max_length=40)
    population = models.PositiveIntegerField(_("registered population"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["town__order", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="village_name_unique_in_town")]

    def __str__(self) -> str:
        return self.name


class Cluster(models.Model):
    """A cluster (组团片区): neighbouring villages of one town under a joint Party committee
    (联合党委) that plan and develop together."""

    town = models.ForeignKey(
        "orgs.Unit", verbose_name=_("town"), on_delete=models.PROTECT, related_name="clusters",
        limit_choices_to={"kind__in": TERRITORIAL_KINDS},
    )
    name = models.CharField(_("cluster name"), max_length=60)
    party_committee = models.CharField(_("joint Party committee"), max_length=100)
    secretary = models.CharField(_("committee secretary"), max_length=30, blank=True)
    villages = models.ManyToManyField(Village, verbose_name=_("member villages"), related_name="clusters")
    lead_village = models.ForeignKey(
        Village, verbose_name=_("lead village"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    theme = models.CharField(_("development theme"), max_length=100, blank=True)
    plan = models.TextField(_("development plan"), blank=True)
    established = models.DateField(_("established"), null=True, blank=True)
    expected_income = models.DecimalField(
        _("expected added income per year (10k yuan)"), **MONEY, null=True, blank=True, validators=NOT_NEGATIVE
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["town__order", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="cluster_name_unique_in_town")]

    def __str__(self) -> str:
        return f"{self.town.short_name or self.town.name}{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("clusters:cluster", args=[self.pk])


class ClusterProject(models.Model):
    """Marks an ordinary Tuijin project as a project of a cluster, so the libraries, reports
    and warnings apply to it as to any other project."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="links")
    project = models.OneToOneField(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="cluster_link"
    )
    village = models.ForeignKey(
        Village, verbose_name=_("host village"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expected_income = models.DecimalField(
        _("expected income per year (10k yuan)"), **MONEY, null=True, blank=True, validators=NOT_NEGATIVE
    )

    class Meta:
        verbose_name = _("cluster project")
        verbose_name_plural = _("cluster projects")
        ordering = ["cluster", "project__code"]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.project}"


class JointCompany(models.Model):
    """A company the villages of a cluster fund together (强村公司, 片区项目开发公司)."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="companies")
    name = models.CharField(_("company name"), max_length=100, unique=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k yuan)"), **MONEY, null=True, blank=True, validators=NOT_NEGATIVE
    )
    established = models.DateField(_("established"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=30, blank=True)
    business_scope = models.TextField(_("business and projects"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("joint company")
        verbose_name_plural = _("joint companies")
        ordering = ["cluster__town__order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:company", args=[self.pk])


class Shareholder(models.Model):
    """A shareholder of a joint company: a village collective, a town platform or a third party."""

    company = models.ForeignKey(
        JointCompany, verbose_name=_("company"), on_delete=models.CASCADE, related_name="shareholders"
    )
    name = models.CharField(_("shareholder"), max_length=100)
    kind = models.CharField(_("shareholder kind"), max_length=12, choices=ShareholderKind.choices)
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, null=True, blank=True, related_name="holdings"
    )
    order = models.PositiveIntegerField(_("order in the register"), default=0)

    class Meta:
        verbose_name = _("shareholder")
        verbose_name_plural = _("shareholders")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="shareholder_name_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == ShareholderKind.VILLAGE and not self.village_id:
            raise ValidationError({"village": _("A village collective shareholder names its village.")})
        if self.kind != ShareholderKind.VILLAGE and self.village_id:
            raise ValidationError({"village": _("Only a village collective names a village.")})


class Contribution(models.Model):
    """What a shareholder puts in, by kind: land in 亩 with its valuation, cash and assets in
    万元, population in persons, labour in person-days."""

    shareholder = models.ForeignKey(
        Shareholder, verbose_name=_("shareholder"), on_delete=models.CASCADE, related_name="contributions"
    )
    kind = models.CharField(_("contribution kind"), max_length=12, choices=ContributionKind.choices)
    quantity = models.DecimalField(_("quantity"), **MONEY, validators=NOT_NEGATIVE)
    valuation = models.DecimalField(
        _("valuation (10k yuan)"), **MONEY, null=True, blank=True, validators=NOT_NEGATIVE,
        help_text=_("For land: the appraised value of the whole plot, counted as equity."),
    )
    contributed_on = models.DateField(_("contributed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["shareholder__order", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["shareholder", "kind"], name="contribution_one_per_kind"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="contribution_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.shareholder} · {self.get_kind_display()} {self.quantity}"

    @property
    def unit(self) -> str:
        return UNITS[ContributionKind(self.kind)]

    @property
    def money_value(self) -> Decimal | None:
        """The contribution in 万元: cash and assets as entered, land at its valuation."""
        if self.kind in (ContributionKind.CASH, ContributionKind.ASSETS):
            return self.quantity
        if self.kind == ContributionKind.LAND:
            return self.valuation
        return None


class AllocationRule(models.Model):
    """One version of a company's share allocation rule, as approved by its shareholders'
    meeting. Versions are never edited: a change is a new version with its effective date."""

    company = models.ForeignKey(
        JointCompany, verbose_name=_("company"), on_delete=models.CASCADE, related_name="rules"
    )
    version = models.PositiveIntegerField(_("version"))
    method = models.CharField(_("allocation method"), max_length=20, choices=AllocationMethod.choices)
    weights = models.JSONField(
        _("weights"), default=dict, blank=True,
        help_text=_("For the weighted method: the weight of each contribution kind, adding up to exactly 1."),
    )
    population_pool = models.DecimalField(
        _("capital apportioned by population (10k yuan)"), **MONEY, null=True, blank=True, validators=NOT_NEGATIVE
    )
    guaranteed_rate = models.DecimalField(
        _("guaranteed dividend rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Yearly minimum dividend as a percentage of the valued contribution (cash, assets, land)."),
    )
    rounding_places = models.PositiveSmallIntegerField(
        _("decimal places of published shares (%)"), default=4,
        validators=[MinValueValidator(0), MaxValueValidator(6)],
    )
    effective_from = models.DateField(_("effective from"))
    approved_by = models.CharField(_("approving body"), max_length=100)
    approved_on = models.DateField(pgettext_lazy("resolution", "approved on"), null=True, blank=True)
    document_number = models.CharField(_("resolution number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("allocation rule version")
        verbose_name_plural = _("allocation rule versions")
        ordering = ["company", "-version"]
        constraints = [models.UniqueConstraint(fields=["company", "version"], name="rule_version_unique")]

    def __str__(self) -> str:
        return f"{self.company} v{self.version}"

    def weight_fractions(self) -> dict[str, Fraction]:
        return {kind: Fraction(Decimal(str(w))) for kind, w in (self.weights or {}).items()}


class CoalitionIncome(models.Model):
    """For Shapley allocation (飞地抱团): the yearly income a coalition of shareholders would
    earn on its own. ``members`` is the sorted list of shareholder ids, as text."""

    rule = models.ForeignKey(AllocationRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="coalitions")
    members = models.CharField(_("members"), max_length=200)
    income = models.DecimalField(_("income per year (10k yuan)"), **MONEY)

    class Meta:
        verbose_name = _("coalition income")
        verbose_name_plural = _("coalition incomes")
        constraints = [models.UniqueConstraint(fields=["rule", "members"], name="coalition_unique")]

    def __str__(self) -> str:
        return f"{self.members}: {self.income}"

    @staticmethod
    def key(ids) -> str:
        return ",".join(str(i) for i in sorted(ids))

    @property
    def member_ids(self) -> frozenset[int]:
        return frozenset(int(i) for i in self.members.split(",") if i)


class Allocation(models.Model):
    """The shares computed under one rule version at one moment: kept, so the share register
    and statements show what was approved even if contributions change later."""

    rule = models.ForeignKey(AllocationRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="allocations")
    computed_at = models.DateTimeField(pgettext_lazy("accounting", "computed"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("accounting", "computed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule} · {self.computed_at:%Y-%m-%d}"


class AllocationLine(models.Model):
    """One shareholder's share: exact fraction, published percentage and the explanation."""

    allocation = models.ForeignKey(Allocation, verbose_name=_("allocation"), on_delete=models.CASCADE, related_name="lines")
    shareholder = models.ForeignKey(Shareholder, verbose_name=_("shareholder"), on_delete=models.CASCADE, related_name="+")
    exact = models.CharField(_("exact share"), max_length=200)
    percent = models.DecimalField(_("share (%)"), max_digits=10, decimal_places=6)
    explanation = models.JSONField(pgettext_lazy("accounting", "explanation"), default=list)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.shareholder}: {self.percent}%"


class CompanyIncome(models.Model):
    """A joint company's income of one year and the part its shareholders decided to distribute."""

    company = models.ForeignKey(JointCompany, verbose_name=_("company"), on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"))
    operating_income = models.DecimalField(_("operating income (10k yuan)"), **MONEY, validators=NOT_NEGATIVE)
    distributable = models.DecimalField(_("distributable amount (10k yuan)"), **MONEY, validators=NOT_NEGATIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("company income")
        verbose_name_plural = _("company incomes")
        ordering = ["company", "-year"]
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="company_income_one_per_year")]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class Distribution(models.Model):
    """How one year's distributable amount of a company was shared out."""

    company = models.ForeignKey(
        JointCompany, verbose_name=_("company"), on_delete=models.CASCADE, related_name="distributions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    method = models.CharField(_("distribution method"), max_length=20, choices=DistributionMethod.choices)
    amount = models.DecimalField(_("distributable amount (10k yuan)"), **MONEY, validators=NOT_NEGATIVE)
    allocation = models.ForeignKey(
        Allocation, verbose_name=_("shares used"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    guaranteed_rate = models.DecimalField(_("guaranteed dividend rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True)
    guarantees_covered = models.BooleanField(_("guarantees covered"), default=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("accounting", "computed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    computed_at = models.DateTimeField(pgettext_lazy("accounting", "computed"), auto_now=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["company", "-year"]
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="distribution_one_per_year")]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class DistributionLine(models.Model):
    distribution = models.ForeignKey(
        Distribution, verbose_name=_("distribution"), on_delete=models.CASCADE, related_name="lines"
    )
    shareholder = models.ForeignKey(Shareholder, verbose_name=_("shareholder"), on_delete=models.CASCADE, related_name="payouts")
    percent = models.DecimalField(_("share (%)"), max_digits=10, decimal_places=6, null=True, blank=True)
    guaranteed = models.DecimalField(_("guaranteed dividend (10k yuan)"), **MONEY, default=Decimal(0))
    by_share = models.DecimalField(_("dividend by share (10k yuan)"), **MONEY, default=Decimal(0))
    total = models.DecimalField(_("total paid (10k yuan)"), **MONEY)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("distribution line")
        verbose_name_plural = _("distribution lines")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.shareholder}: {self.total}"


class VillageIncome(models.Model):
    """A village collective's operating income of one year (村集体经营性收入), as reported."""

    village = models.ForeignKey(Village, verbose_name=_("village"), on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"))
    operating_income = models.DecimalField(_("collective operating income (10k yuan)"), **MONEY, validators=NOT_NEGATIVE)

    class Meta:
        verbose_name = _("village collective income")
        verbose_name_plural = _("village collective incomes")
        ordering = ["village", "-year"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="village_income_one_per_year")]

    def __str__(self) -> str:
        return f"{self.village} {self.year}"
