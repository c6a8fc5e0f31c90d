from django.apps import AppConfig


class ClusterspaceConfig(AppConfig):
    """The configuration package. It has no models; its migrations are the history of
    the tables the feature apps took over, so that a database of an older release
    migrates forward (docs/architecture.md)."""

    name = "clusterspace"
