from django.contrib.auth.views import LogoutView
from django.urls import path

from memnun.desk import (
    views_auth,
    views_capa,
    views_case,
    views_follow_up,
    views_intake,
    views_process_audit,
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
    path("capa/", views_capa.register, name="capa_register"),
    path("capa/new", views_capa.new, name="capa_new"),
    path("capa/<str:number>", views_capa.capa_page, name="capa"),
    path("capa/<str:number>/edit", views_capa.edit, name="capa_edit"),
    path("capa/<str:number>/do/<slug:step>", views_capa.capa_do, name="capa_do"),
    path("audits/", views_process_audit.plans, name="audits"),
    path("audits/new", views_process_audit.new, name="audit_new"),
    path("audits/report", views_process_audit.report, name="audit_report"),
    path("audits/<int:plan_id>", views_process_audit.plan_page, name="audit"),
    path("audits/<int:plan_id>/do/<slug:step>", views_process_audit.plan_do, name="audit_do"),
    path("audits/<int:plan_id>/checks/<int:check_id>", views_process_audit.check_do,
         name="audit_check"),
    path("intake/", views_intake.intake_index, name="intake_index"),
    path("intake/<slug:channel>/", views_intake.intake, name="intake"),
    path("intake/receipt/<str:reference>/", views_intake.receipt, name="receipt"),
    path("intake/receipt/<str:reference>/pdf", views_intake.receipt_pdf, name="receipt_pdf"),
]
