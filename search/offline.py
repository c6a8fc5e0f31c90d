"""The static export's search index: the index's own entries as JSON, which the exported
search page searches in the browser with MiniSearch (search/static/search/)."""

from django.urls import reverse
from django.utils import translation

from .models import SEARCHED, SearchEntry
from .query import LANGUAGES

# Set by the static export (siteexport) in its requests' WSGI environment, to the address
# of the offline search's index. A visitor cannot set it: only headers become HTTP_* keys.
EXPORT_ENVIRON_KEY = "search.offline_index"
SHOWN = ("kind", "url_name", "url_kwargs", "url_anchor", "details_de", "details_en")


def build_index():
    """The labels of the kinds in each language and every entry, as JSON-ready data.
    Written once per export, never on a visitor's request."""
    labels = {}
    for language in LANGUAGES:
        with translation.override(language):
            labels[language] = {kind: str(label) for kind, label in SearchEntry.Kind.choices}
    documents = []
    for row in SearchEntry.objects.order_by("kind_order", "pk").values("pk", *SHOWN, *SEARCHED):
        urls = {}
        for language in LANGUAGES:
            with translation.override(language):
                urls[language] = reverse(row["url_name"], kwargs=row["url_kwargs"])
        documents.append(
            {
                "id": row["pk"],
                "kind": row["kind"],
                "url": {language: url + row["url_anchor"] for language, url in urls.items()},
                "details": {language: row[f"details_{language}"] for language in LANGUAGES},
                **{column: row[column] for column in SEARCHED},
            }
        )
    return {"version": 2, "kinds": list(labels["de"]), "labels": labels, "entries": documents}
