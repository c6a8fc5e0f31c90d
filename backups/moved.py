"""Models that moved to another app: their old labels, for data written before the move.

Release 2026-12 moved the site's own models out of the configuration package into the
apps of their features. A backup made before names them "clusterspace.page" and so on;
``relabel`` gives such serialized objects their new labels (restore_archive), and the
migration that moved them (``clusterspace.0008``) does the same for the version history.
"""

# model name → (old app label, new app label)
MOVED_MODELS = {
    "contentversion": ("clusterspace", "pagecache"),
    "linkcheck": ("clusterspace", "linkchecks"),
    "opendatalicence": ("clusterspace", "opendata"),
    "page": ("clusterspace", "pages"),
}


def new_label(app_label, model_name, backwards=False):
    """The app label of ``model_name`` after the move (before it, ``backwards``)."""
    old, new = MOVED_MODELS.get(model_name, (None, None))
    before, after = (new, old) if backwards else (old, new)
    return after if app_label == before else app_label


def relabel(value, backwards=False):
    """Serialized objects (dumpdata's, django-reversion's) with the moved models' labels,
    in "model" and in natural keys of content types and permissions."""
    if isinstance(value, dict):
        value = {key: relabel(item, backwards) for key, item in value.items()}
        if isinstance(value.get("model"), str) and "." in value["model"]:
            app_label, model_name = value["model"].split(".", 1)
            value["model"] = f"{new_label(app_label, model_name, backwards)}.{model_name}"
        return value
    if isinstance(value, list):
        # ["clusterspace", "page"] (a content type) or ["change_page", "clusterspace", "page"].
        if len(value) in (2, 3) and all(isinstance(item, str) for item in value):
            *rest, app_label, model_name = value
            return [*rest, new_label(app_label, model_name, backwards), model_name]
        return [relabel(item, backwards) for item in value]
    return value
