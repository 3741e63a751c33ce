from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("libraries/", views.boards, name="boards"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.project_detail, name="detail"),
]
