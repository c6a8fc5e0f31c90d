"""The static export's search index: the index's own entries as JSON, which the exported
search page searches in the browser with MiniSearch (search/static/search/)."""

from django.urls import reverse
from django.utils import translation

from .models import SEARCHED, SearchEntry
from .query import FIELDS, LANGUAGES

# Set by the static export (siteexport) in its requests' WSGI environment, to the address
# of the offline search's index. A visitor cannot set it: only headers become HTTP_* keys.
EXPORT_ENVIRON_KEY = "search.offline_index"


def build_index():
    """The kinds' labels and every entry, per language, as JSON-ready data: written once
    per export, never on a visitor's request."""
    rows = list(SearchEntry.objects.order_by("kind_order", "pk").values("pk", *FIELDS, "names"))
    labels = {}
    for language in LANGUAGES:
        with translation.override(language):
            labels[language] = {kind: str(label) for kind, label in SearchEntry.Kind.choices}
            for row in rows:
                url = reverse(row["url_name"], kwargs=row["url_kwargs"]) + row["url_anchor"]
                row.setdefault("url", {})[language] = url
    entries = [
        {
            "id": row["pk"],
            "kind": row["kind"],
            "url": row["url"],
            "details": {language: row[f"details_{language}"] for language in LANGUAGES},
            **{column: row[column] for column in SEARCHED},
        }
        for row in rows
    ]
    return {"version": 2, "kinds": list(labels["de"]), "labels": labels, "entries": entries}
