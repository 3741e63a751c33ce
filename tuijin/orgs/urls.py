from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.console, name="console"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/assign/", views.user_assign, name="user_assign"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_edit, name="unit_create"),
    path("units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/active/", views.unit_set_active, name="unit_set_active"),
    path("security-log/", views.security_log, name="security_log"),
    path("security-log/export/", views.security_log_export, name="security_log_export"),
    path("history/", views.history, name="history"),
    path("history/export/", views.history_export, name="history_export"),
    path("second-factor/", views.second_factor_page, name="second_factor"),
    path("second-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
]
