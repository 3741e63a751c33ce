"""Supervision."""
from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("scan/", views.scan, name="scan"),
    path("project/<int:pk>/", views.project_lights, name="project"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>/download/", views.bulletin_download, name="bulletin_download"),
]
