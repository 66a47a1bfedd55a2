from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "memnun.feedback"
    label = "feedback"
    verbose_name = "Feedback"
