"""Lifecycle: node types, node templates by project kind, a project's nodes and stage changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import NodeStatus, Stage


class NodeType(models.Model):
    """A kind of node (节点) in the catalogue: 签约, 立项/备案, 环评, 施工许可, 开工, 入统 …"""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=40)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    gates_stage = models.CharField(
        _("gates stage"),
        max_length=12,
        choices=Stage.choices,
        blank=True,
        help_text=_("A project cannot enter this stage until the node is done."),
    )
    is_approval = models.BooleanField(
        _("approval item"), default=False, help_text=_("Carries a document number and an approval date.")
    )
    default_days = models.PositiveSmallIntegerField(_("default time limit (days)"), default=30)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("node type")
        verbose_name_plural = _("node types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class NodeTemplate(models.Model):
    """The node chain for one kind of project (government-invested, enterprise-invested,
    industrial upgrade …)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    nature = models.CharField(
        _("default for investment nature"), max_length=12, blank=True, help_text=_("Used when a project is created.")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("node template")
        verbose_name_plural = _("node templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ResponsibleParty(models.TextChoices):
    OWNER = "owner", _("Owner")
    TOWN = "town", _("Town")
    DEPARTMENT = "department", _("Responsible department")


class TemplateNode(models.Model):
    """One node of a template. Nodes with the same predecessors run in parallel."""

    template = models.ForeignKey(NodeTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="items")
    node_type = models.ForeignKey(NodeType, verbose_name=_("node type"), on_delete=models.PROTECT)
    order = models.PositiveIntegerField(_("order"), default=0)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (days)"))
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("after"), symmetrical=False, blank=True, related_name="successors"
    )
    responsible = models.CharField(
        _("responsible"), max_length=12, choices=ResponsibleParty.choices, default=ResponsibleParty.OWNER
    )

    class Meta:
        verbose_name = _("template node")
        verbose_name_plural = _("template nodes")
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "node_type"], name="template_node_once")]

    def __str__(self) -> str:
        return f"{self.template}: {self.node_type}"


class Node(models.Model):
    """A node of one project's chain, with planned and actual dates and a time limit."""

    project = models.ForeignKey("projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="nodes")
    node_type = models.ForeignKey(NodeType, verbose_name=_("node"), on_delete=models.PROTECT)
    order = models.PositiveIntegerField(_("order"), default=0)
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("after"), symmetrical=False, blank=True, related_name="successors"
    )
    status = models.CharField(_("status"), max_length=12, choices=NodeStatus.choices, default=NodeStatus.PENDING)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    due_date = models.DateField(_("time limit"), null=True, blank=True, help_text=_("Deadline of the node."))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    responsible_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="nodes"
    )
    document_number = models.CharField(pgettext_lazy("approval document", "document number"), max_length=80, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("node")
        verbose_name_plural = _("nodes")
        ordering = ["project", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "node_type"], name="node_once_per_project")]
        indexes = [
            # Open nodes of given types by time limit (the approvals panel's overdue and due-soon
            # counts): a range of the open third of the nodes, the project read from the index.
            models.Index(
                fields=["node_type", "due_date", "project"],
                condition=~Q(status__in=[NodeStatus.DONE, NodeStatus.SKIPPED]),
                name="node_open_by_type_due",
            ),
            # Done nodes of given types by the day they were done (approval items done in a
            # year), with every column that count reads, so the table itself is not visited.
            models.Index(
                fields=["node_type", "actual_date", "due_date", "project", "id"],
                condition=Q(status=NodeStatus.DONE),
                name="node_done_by_type_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.node_type}"

    @property
    def is_finished(self) -> bool:
        return self.status in (NodeStatus.DONE, NodeStatus.SKIPPED)


class StageChange(models.Model):
    """A move of a project from one lifecycle stage to another; overrides by the project
    office carry their reason."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(pgettext_lazy("status change", "from"), max_length=12, choices=Stage.choices)
    to_stage = models.CharField(pgettext_lazy("status change", "to"), max_length=12, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    is_override = models.BooleanField(_("override"), default=False)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"
