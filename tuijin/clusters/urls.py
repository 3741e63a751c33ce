"""Rural cluster development."""
from django.urls import path

from . import views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_list, name="list"),
    path("<int:pk>/", views.cluster_detail, name="cluster"),
    path("<int:pk>/projects/link/", views.cluster_link_project, name="link_project"),
    path("<int:pk>/companies/new/", views.company_create, name="company_create"),
    path("companies/", views.company_list, name="companies"),
    path("companies/<int:pk>/", views.company_detail, name="company"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("companies/<int:pk>/shareholders/new/", views.shareholder_add, name="shareholder_add"),
    path("companies/<int:pk>/shareholders/<int:holder>/contributions/", views.contributions_edit, name="contributions"),
    path("companies/<int:pk>/rules/new/", views.rule_create, name="rule_create"),
    path("companies/<int:pk>/rules/<int:rule>/coalitions/", views.coalitions_edit, name="coalitions"),
    path("companies/<int:pk>/rules/<int:rule>/compute/", views.allocation_compute, name="compute"),
    path("companies/<int:pk>/income/", views.income_record, name="income"),
    path("companies/<int:pk>/distribution/", views.distribution_compute, name="distribute"),
    path("companies/<int:pk>/register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("companies/<int:pk>/statement.docx", views.statement_docx, name="statement_docx"),
]
