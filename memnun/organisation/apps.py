from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "memnun.organisation"
    label = "organisation"
    verbose_name = "Organisation"
