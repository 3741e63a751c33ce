"""Mounted at the site root: /api/…, /public/… and the office's /opendata/… pages."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import views

app_name = "opendata"
urlpatterns = [
    path("api/v1/", include("tuijin.opendata.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="opendata:schema"), name="api_docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="opendata:schema"), name="redoc"),
    path("public/", views.public_list, name="public_list"),
    path("public/oc4ids.json", views.oc4ids_package, name="oc4ids"),
    path("public/projects/<int:pk>/", views.public_detail, name="public_detail"),
    path("public/projects/<int:pk>.json", views.public_project_json, name="public_project_json"),
    path("public/projects/<int:pk>/documents/<int:doc_pk>/", views.public_document, name="public_document"),
    path("opendata/webhooks/", views.webhook_list, name="webhooks"),
    path("opendata/webhooks/<int:pk>/", views.webhook_edit, name="webhook_edit"),
    path("opendata/webhooks/deliveries/", views.delivery_log, name="deliveries"),
    path("opendata/webhooks/deliveries/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("opendata/webhooks/deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
    path("opendata/tokens/", views.token_list, name="tokens"),
    path("opendata/tokens/<int:user_pk>/revoke/", views.token_revoke, name="token_revoke"),
]
