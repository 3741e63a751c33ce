from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/mapping/", views.import_remap, name="import_remap"),
    path("export/projects.xlsx", views.export_projects, name="export_projects"),
    path("export/plan.xlsx", views.export_plan, name="export_plan"),
]
