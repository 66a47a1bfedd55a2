from django.contrib.auth.views import LogoutView
from django.urls import path

from memnun.desk import (
    views_auth,
    views_case,
    views_competence,
    views_follow_up,
    views_intake,
    views_policy,
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
    path("policy/", views_policy.policy_manage, name="policy"),
    path("policy/draft", views_policy.policy_draft_new, name="policy_draft"),
    path(
        "policy/<int:number>/approve", views_policy.policy_version_approve,
        name="policy_approve",
    ),
    path(
        "policy/<int:number>/publish", views_policy.policy_version_publish,
        name="policy_publish",
    ),
    path(
        "policy/representative", views_policy.policy_representative_appoint,
        name="policy_appoint",
    ),
    path("policy/acknowledge/", views_policy.policy_acknowledge_page, name="policy_acknowledge"),
    path("policy/report/", views_policy.policy_report, name="policy_report"),
    path("competence/training/", views_competence.training, name="training"),
    path("competence/capacity/", views_competence.capacity, name="capacity"),
    path("intake/", views_intake.intake_index, name="intake_index"),
    path("intake/<slug:channel>/", views_intake.intake, name="intake"),
    path("intake/receipt/<str:reference>/", views_intake.receipt, name="receipt"),
    path("intake/receipt/<str:reference>/pdf", views_intake.receipt_pdf, name="receipt_pdf"),
]
