from django.urls import path

from . import views

app_name = "consultation"
urlpatterns = [
    path("", views.problem_list, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/reply/", views.problem_reply_view, name="problem_reply"),
    path("problems/<int:pk>/escalate/", views.problem_escalate_view, name="problem_escalate"),
    path("problems/<int:pk>/close/", views.problem_close_view, name="problem_close"),
    path("problems/<int:pk>/reopen/", views.problem_reopen_view, name="problem_reopen"),
    path("projects/<int:project_pk>/raise/", views.problem_raise, name="raise"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/build/", views.meeting_agenda_build, name="meeting_agenda_build"),
    path("meetings/<int:pk>/agenda/add/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path("meetings/<int:pk>/record/", views.meeting_record_view, name="meeting_record"),
    path("meetings/<int:pk>/decide/", views.meeting_decide_view, name="meeting_decide"),
    path("meetings/<int:pk>/hold/", views.meeting_hold_view, name="meeting_hold"),
    path("meetings/<int:pk>/<str:kind>.docx", views.meeting_docx, name="meeting_docx"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/report/", views.action_report_view, name="action_report"),
    path("actions/<int:pk>/close/", views.action_close_view, name="action_close"),
    path("actions/<int:pk>/return/", views.action_return_view, name="action_return"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.notice_open, name="notice_open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("statistics/", views.statistics, name="statistics"),
    path("settings/deadlines/", views.deadlines, name="deadlines"),
]
