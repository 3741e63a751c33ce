"""Who may see and change clusters and joint companies.

The project office runs everything; county leaders read everything; a town officer (who also
speaks for the town's villages) reads the clusters of its own town. Departments and project
owners have no business with village collectives' shares and see none of it.
"""

from __future__ import annotations

from django.db.models import Q

from tuijin.orgs.choices import Role
from tuijin.orgs.policy import role_of


def can_browse(user) -> bool:
    return role_of(user) in (Role.OFFICE, Role.LEADER, Role.TOWN)


def visible_clusters_filter(user, prefix: str = "") -> Q:
    """Limits clusters (or, with ``prefix`` such as "cluster__", rows under them)."""
    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER):
        return Q()
    if role == Role.TOWN and user.unit_id:
        return Q(**{f"{prefix}town_id": user.unit_id})
    return Q(pk__in=[])


def can_view_cluster(user, cluster) -> bool:
    role = role_of(user)
    if role in (Role.OFFICE, Role.LEADER):
        return True
    return role == Role.TOWN and bool(user.unit_id) and cluster.town_id == user.unit_id


def can_view_company(user, company) -> bool:
    return can_view_cluster(user, company.cluster)


def can_manage(user) -> bool:
    """Set up clusters, companies, shareholders, contributions, rules; compute and record."""
    return role_of(user) == Role.OFFICE


def can_export(user, company) -> bool:
    return can_view_company(user, company)
