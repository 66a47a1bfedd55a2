from django.db import models


class RateWindow(models.Model):
    """Hits of one key in one fixed time window, shared by every web process."""

    rate_key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # window start, seconds since the epoch
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rate_key", "window_start"], name="ratewindow_key")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.rate_key}@{self.window_start}: {self.hits}"
