from django.contrib.auth.views import LogoutView
from django.urls import path

from memnun.desk import (
    views_auth,
    views_case,
    views_follow_up,
    views_intake,
    views_queue,
    views_reports,
)

app_name = "desk"

urlpatterns = [
    path("", views_auth.home, name="home"),
    path("login/", views_auth.DeskLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("queue/", views_queue.queue, name="queue"),
    path("follow-up/", views_follow_up.follow_up, name="follow_up"),
    path("feedback/<str:reference>", views_case.case_page, name="case"),
    path("feedback/<str:reference>/reveal", views_case.reveal, name="reveal"),
    path("feedback/<str:reference>/do/<slug:action>", views_case.case_action, name="case_action"),
    path(
        "feedback/<str:reference>/files/<int:attachment_id>", views_case.attachment,
        name="attachment",
    ),
    path("reports/", views_reports.reports, name="reports"),
    path("reports/cases/", views_reports.report_cases_list, name="report_cases"),
    path("intake/", views_intake.intake_index, name="intake_index"),
    path("intake/<slug:channel>/", views_intake.intake, name="intake"),
    path("intake/receipt/<str:reference>/", views_intake.receipt, name="receipt"),
    path("intake/receipt/<str:reference>/pdf", views_intake.receipt_pdf, name="receipt_pdf"),
]
