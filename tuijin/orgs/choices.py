from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    COUNTY = "county", _("County")
    STREET = "street", _("Street")
    TOWN = "town", _("Town")
    AREA = "area", _("Functional area")
    DEPARTMENT = "department", _("Department")
    SOE = "soe", _("State-owned company")
    ENTERPRISE = "enterprise", _("Enterprise")


#: Kinds that are places (属地): a project lies in one of them.
TERRITORIAL_KINDS = (UnitKind.STREET, UnitKind.TOWN, UnitKind.AREA)
#: Kinds that can own a project (业主单位).
OWNER_KINDS = (UnitKind.SOE, UnitKind.ENTERPRISE, UnitKind.DEPARTMENT, UnitKind.STREET, UnitKind.TOWN, UnitKind.AREA)


class Role(models.TextChoices):
    OFFICE = "office", _("Project office")
    TOWN = "town", _("Town officer")
    DEPARTMENT = "department", _("Department officer")
    OWNER = "owner", _("Project owner")
    LEADER = "leader", _("County leader")
