"""Models that moved to another app: their old labels, for data written before the move.

Release 2026-12 moved the site's own models out of the configuration package into the
apps of their features. A backup made before names them "clusterspace.page" and so on
(``made_before_the_move``); ``relabel`` gives such serialized objects their new labels
(restore_archive), and the migration that moved them (``clusterspace.0008``) does the
same for the version history.
"""

import json

# model name → (old app label, new app label)
MOVED_MODELS = {
    "contentversion": ("clusterspace", "pagecache"),
    "linkcheck": ("clusterspace", "linkchecks"),
    "opendatalicence": ("clusterspace", "opendata"),
    "page": ("clusterspace", "pages"),
}
OLD_LABELS = {f"{old}.{model_name}" for model_name, (old, _new) in MOVED_MODELS.items()}


def new_label(app_label, model_name, backwards=False):
    """The app label of ``model_name`` after the move (before it, ``backwards``)."""
    old, new = MOVED_MODELS.get(model_name, (None, None))
    before, after = (new, old) if backwards else (old, new)
    return after if app_label == before else app_label


def made_before_the_move(labels):
    """Whether model labels (a backup manifest's "models": "clusterspace.Page" …) name a
    moved model by its label from before the move."""
    return any(label.lower() in OLD_LABELS for label in labels)


def relabel(value, backwards=False):
    """Serialized objects (dumpdata's, django-reversion's) with the moved models' labels,
    in "model", in natural keys of content types and permissions, and in the serialized
    data of the moved models' versions that a dump of django-reversion holds."""
    if isinstance(value, dict):
        value = {key: relabel(item, backwards) for key, item in value.items()}
        if isinstance(value.get("model"), str) and "." in value["model"]:
            app_label, model_name = value["model"].split(".", 1)
            value["model"] = f"{new_label(app_label, model_name, backwards)}.{model_name}"
            if value["model"] == "reversion.version":
                value["fields"] = _relabel_version(value.get("fields"), backwards)
        return value
    if isinstance(value, list):
        # ["clusterspace", "page"] (a content type) or ["change_page", "clusterspace", "page"].
        if len(value) in (2, 3) and all(isinstance(item, str) for item in value):
            *rest, app_label, model_name = value
            return [*rest, new_label(app_label, model_name, backwards), model_name]
        return [relabel(item, backwards) for item in value]
    return value


def _relabel_version(fields, backwards):
    # A version keeps its object as text (JSON by default): a string to relabel, not a list.
    if not isinstance(fields, dict) or fields.get("format") != "json":
        return fields
    content_type = fields.get("content_type")  # a natural key: [app label, model name]
    if not (isinstance(content_type, list) and len(content_type) == 2):
        return fields
    if content_type[1] not in MOVED_MODELS:
        return fields
    data = relabel(json.loads(fields["serialized_data"]), backwards)
    return {**fields, "serialized_data": json.dumps(data)}
