from django.urls import path

from memnun.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("policy/", views.policy, name="policy"),
    path("feedback/new/", views.feedback_new, name="feedback_new"),
    path("feedback/receipt/", views.receipt, name="receipt"),
    path("feedback/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("track/", views.track, name="track"),
    path("track/<str:reference>", views.track_detail, name="track_detail"),
    path("track/<str:reference>/agreement", views.agreement, name="agreement"),
    path("track/<str:reference>/survey", views.survey, name="survey"),
    path("track/<str:reference>/question", views.question, name="question"),
    path("track/<str:reference>/consents", views.consents, name="consents"),
]
