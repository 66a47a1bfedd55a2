from django.contrib.auth.views import LogoutView
from django.urls import path

from memnun.desk import (
    views_auth,
    views_capa,
    views_case,
    views_exports,
    views_follow_up,
    views_intake,
    views_objectives,
    views_queue,
    views_repeat_clusters,
    views_reports,
    views_surges,
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
    path("reports/objectives/", views_objectives.objectives, name="objectives"),
    path("reports/objectives/new/", views_objectives.objective_form, name="objective_new"),
    path("reports/objectives/<int:pk>/edit/", views_objectives.objective_form,
         name="objective_edit"),
    path("reports/objectives/<int:pk>/approve", views_objectives.objective_approve_view,
         name="objective_approve"),
    path("reports/objectives/<int:pk>/retire", views_objectives.objective_retire_view,
         name="objective_retire"),
    path("exports/new", views_exports.export_new, name="export_new"),
    path("exports/<int:export_id>/", views_exports.export_page, name="export"),
    path("exports/<int:export_id>/progress", views_exports.export_progress,
         name="export_progress"),
    path("exports/<int:export_id>/file", views_exports.export_file, name="export_file"),
    path(
        "reports/repeats/", views_repeat_clusters.repeat_clusters_report,
        name="repeat_clusters",
    ),
    path("reports/surges/", views_surges.surges, name="surges"),
    path("reports/surges/cases/", views_surges.surge_cases_list, name="surge_cases"),
    path("intake/", views_intake.intake_index, name="intake_index"),
    path("intake/<slug:channel>/", views_intake.intake, name="intake"),
    path("intake/receipt/<str:reference>/", views_intake.receipt, name="receipt"),
    path("intake/receipt/<str:reference>/pdf", views_intake.receipt_pdf, name="receipt_pdf"),
]
