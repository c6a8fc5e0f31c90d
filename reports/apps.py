from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Berichte und Interviews")

    def ready(self):
        from core.addresses import track

        from .models import ReportSeries

        track(
            ReportSeries,
            "reports:detail",
            "reports:download",
            "reports:download_old",
            kwarg="series",
        )
