from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "memnun.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from memnun.notifications.channels import channel_register
        from memnun.webhooks import receivers
        from memnun.webhooks.channel import WebhookChannel

        receivers.connect()
        channel_register("webhook", WebhookChannel)
