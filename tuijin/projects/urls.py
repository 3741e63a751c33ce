from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("libraries/", views.boards, name="boards"),
    path("libraries/plan/<int:year>/v<int:number>/", views.plan_version, name="plan_version"),
    path("libraries/plan/<int:year>/compare/", views.plan_compare, name="plan_compare"),
    path("libraries/plan/<int:year>/freeze/", views.plan_freeze, name="plan_freeze"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:entry_id>/<slug:action>/", views.review_action, name="review_action"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/stage/", views.stage_change, name="stage_change"),
    path("<int:pk>/nodes/<int:node_id>/", views.node_edit, name="node_edit"),
    path("<int:pk>/task-force/", views.task_force_add, name="task_force_add"),
    path("<int:pk>/task-force/<int:member_id>/remove/", views.task_force_remove, name="task_force_remove"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_id>/", views.document_download, name="document_download"),
    path("<int:pk>/documents/<int:document_id>/remove/", views.document_remove, name="document_remove"),
    path("<int:pk>/submit/<slug:kind>/", views.entry_submit, name="submit"),
    path("<int:pk>/plan/<int:plan_entry_id>/adjust/", views.plan_entry_edit, name="plan_entry_edit"),
    path("<int:pk>/entries/<int:entry_id>/withdraw/", views.withdrawal_request, name="withdrawal_request"),
    path("<int:pk>/<slug:tab>/", views.project_detail, name="tab"),
]
