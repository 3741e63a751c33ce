"""Five breakthroughs: starts and approvals, funds, resource elements, investment attraction."""

from django.urls import path

from .views import funds, leads, panels, resources

app_name = "breakthroughs"
urlpatterns = [
    path("", panels.panels, name="panels"),
    path("starts/", panels.start_list, name="starts"),
    path("approvals/", panels.approval_list, name="approvals"),
    path("funds/", funds.fund_list, name="funds"),
    path("funds/new/", funds.fund_create, name="fund_new"),
    path("funds/<int:pk>/edit/", funds.fund_edit, name="fund_edit"),
    path("funds/<int:pk>/plan/", funds.bond_plan, name="bond_plan"),
    path("funds/bonds/", funds.bond_list, name="bonds"),
    path("resources/", resources.resource_overview, name="resources"),
    path("resources/quota/", resources.quota_edit, name="quota"),
    path("resources/allocate/", resources.allocation_new, name="allocate"),
    path("resources/allocations/<int:pk>/revoke/", resources.allocation_revoke_view, name="revoke"),
    path("resources/demand/", resources.demand_edit, name="demand"),
    path("leads/", leads.lead_list, name="leads"),
    path("leads/new/", leads.lead_new, name="lead_new"),
    path("leads/funnel/", leads.lead_funnel, name="funnel"),
    path("leads/<int:pk>/", leads.lead_detail, name="lead"),
    path("leads/<int:pk>/edit/", leads.lead_edit, name="lead_edit"),
]
