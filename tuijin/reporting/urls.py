from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("periods/open/", views.period_open, name="period_open"),
    path("periods/<int:pk>/lock/", views.period_lock, name="period_lock"),
    path("remind/", views.remind, name="remind"),
    path("bulk/<str:action>/", views.bulk, name="bulk"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("overview/", views.overview, name="overview"),
    path("overview/forecast/", views.overview_forecast, name="overview_forecast"),
    path("overview/town/<int:pk>/", views.town_projects, name="town"),
    path("trends/", views.trends, name="trends"),
    path("export/", views.export, name="export"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("projects/<int:pk>/", views.project_reports, name="project"),
]
