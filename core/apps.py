from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app uses: images, files, months, cached links, file responses and the
    shape content models share. It imports none of the other apps and has no tables of
    its own, so the admin never lists it."""

    name = "core"
