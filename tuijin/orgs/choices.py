from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitKind(models.TextChoices):
    COUNTY = "county", _("County")
    STREET = "street", _("Street")
    TOWN = "town", pgettext_lazy("unit kind", "Town")
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
    # 三员分立 (等保2.0): three administrators who keep the system but hold no business role.
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")


#: The three administrators (三员). They see no project data; each does only its own work.
ADMIN_ROLES = (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)
