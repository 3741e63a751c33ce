"""Horse race."""
from django.urls import path

from . import views

app_name = "race"
urlpatterns = [
    path("", views.board, name="board"),
    path("<slug:code>/", views.board, name="scheme_board"),
    path("<slug:code>/compute/", views.compute, name="compute"),
    path("<slug:code>/screen/", views.screen, name="screen"),
    path("<slug:code>/what-if/", views.what_if, name="what_if"),
    path("<slug:code>/compare/", views.compare, name="compare"),
    path("<slug:code>/export.xlsx", views.export, name="export"),
    path("<slug:code>/unit/<int:unit_id>/", views.scorecard, name="scorecard"),
    path("snapshot/<int:pk>/publish/", views.publish, name="publish"),
    path("snapshot/<int:pk>/diff/", views.diff, name="diff"),
]
