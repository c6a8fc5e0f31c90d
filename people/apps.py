from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Personen")

    def ready(self):
        from core.addresses import track

        from .models import Person

        track(Person, "people:detail")
