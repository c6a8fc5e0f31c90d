"""Searching the index: the visitor's query, folded, matched and ranked by the database
(what it promises: docs/search.md)."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Count, F, FloatField, Func, Q, Value
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import SEARCHED, SearchEntry

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SNIPPET_LENGTH = 220
LANGUAGES = settings.MODELTRANSLATION_LANGUAGES
CONFIGS = {"de": "search_de", "en": "search_en"}
# FTS5's rank with the weights of SEARCHED's columns: titles, names, texts.
BM25 = "bm25(search_fts, 10.0, 10.0, 5.0, 1.0, 1.0)"
SHOWN = [f"{name}_{language}" for name in ("title", "text") for language in LANGUAGES]
# Marks around a match, from FTS5's highlight() and ts_headline(): never in a text.
START, STOP = MARKS = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_TERM = re.compile(r'"([^"]*)"|(\S+)')
# Spellings a German reader takes for one another.
_SPELLINGS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))


def _fold(char):
    if not char.isalnum():
        return " "
    lower = char.lower() if len(char.lower()) == 1 else char
    base = unicodedata.normalize("NFD", lower)[0]
    return base if base.isalnum() else lower


def fold(text):
    """The text as the index holds it, one character for each of the text's: in lower
    case, accents and umlauts on their base letter ("Förderer" → "forderer"), a space
    for every character that is no letter or digit."""
    return "".join(map(_fold, text))


def spellings(term):
    """The folded forms of a term that all count: as typed, with ä, ö, ü written ae, oe,
    ue and the other way round, and ß as ss and the other way round."""
    forms = {term.lower()}
    for letter, digraph in _SPELLINGS:
        forms = {
            spelling
            for form in forms
            for spelling in (form.replace(digraph, letter), form.replace(letter, digraph))
        }
    return sorted({" ".join(fold(form).split()) for form in forms} - {""})


@dataclass
class Query:
    """A visitor's query: at most 200 characters and eight terms, each as its spellings."""

    text: str = ""
    terms: list = field(default_factory=list)
    notices: list = field(default_factory=list)

    @classmethod
    def parse(cls, raw):
        text = " ".join(_CONTROL.sub(" ", raw if isinstance(raw, str) else "").split())
        notices = []
        if len(text) > MAX_QUERY_LENGTH:
            text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
            notices.append(
                _(
                    "Die Suchanfrage war sehr lang. Gesucht wurde nach ihren ersten "
                    "%(count)d Zeichen."
                )
                % {"count": MAX_QUERY_LENGTH}
            )
        terms, short = [], False
        for match in _TERM.finditer(text):
            forms = spellings(match.group(1) or match.group(2) or "")
            if forms and len(forms[0].replace(" ", "")) < 2:
                short = True
            elif forms and forms not in terms:
                terms.append(forms)
        if len(terms) > MAX_TERMS:
            terms = terms[:MAX_TERMS]
            notices.append(
                _("Gesucht wurde nach den ersten %(count)d Suchbegriffen.") % {"count": MAX_TERMS}
            )
        if short and terms:
            notices.append(_("Begriffe mit nur einem Zeichen wurden nicht berücksichtigt."))
        return cls(text, terms, notices)

    def __bool__(self):
        return bool(self.terms)

    def fts5(self):
        """Every term, each as any of its spellings, quoted: text to FTS5, never syntax."""
        either = (" OR ".join(f'"{_needle(form)}"' for form in forms) for forms in self.terms)
        return " AND ".join(f"({spellings})" for spellings in either)

    def words(self, forms=None):
        """A tsquery of a term's spellings (of all terms' without ``forms``): each word,
        stemmed, or a word it begins."""
        words = None
        for form in forms or [form for forms in self.terms for form in forms]:
            prefixes = " & ".join(f"{word}:*" for word in form.split())
            for config in CONFIGS.values():
                word = SearchQuery(prefixes, config=config, search_type="raw")
                words = word if words is None else words | word
        return words


def _needle(form):
    return f" {form}" if len(form) < 3 else form


def matching(query):
    """The entries that match every term, best first: a QuerySet, not yet run."""
    entries = SearchEntry.objects.all()
    if connection.vendor != "postgresql":
        entries = entries.filter(match__fts__match=query.fts5())
        return _ranked(entries, Func(template=f"-{BM25}", output_field=FloatField()))
    every = None
    for forms in query.terms:
        # A word or its stem (the tsvector), or a part of a word (pg_trgm's indexes).
        found = Q(document=query.words(forms))
        for form in forms:
            for column in SEARCHED:
                found |= Q(**{f"folded_{column}__contains": _needle(form)})
        entries = entries.filter(found)
        every = query.words(forms) if every is None else every & query.words(forms)
    return _ranked(entries, SearchRank(F("document"), every))


def similar(query):
    """PostgreSQL only, where nothing matched: entries in which each term of four or more
    characters is close to a word (pg_trgm's word similarity); None elsewhere."""
    terms = [forms[0] for forms in query.terms if len(forms[0]) >= 4]
    if connection.vendor != "postgresql" or not terms:
        return None
    entries, rank = SearchEntry.objects.all(), Value(0.0)
    for term in terms:
        close = Q()
        for column in SEARCHED:
            close |= Q(**{f"folded_{column}__trigram_word_similar": term})
            rank = rank + TrigramWordSimilarity(Value(term), f"folded_{column}")
        entries = entries.filter(close)
    return _ranked(entries, rank)


def _ranked(entries, rank):
    return entries.annotate(rank=rank).order_by("-rank", "kind_order", "title_de", "pk")


def counts(entries):
    """{kind: number of matches}, in one query."""
    return dict(entries.order_by().values_list("kind").annotate(number=Count("pk")))


# -- Results -------------------------------------------------------------------------------


@dataclass
class SearchResult:
    kind: str
    kind_label: str
    url: str
    title: str  # safe HTML, matches in <mark>
    title_language: str  # "de" where an English page shows the German title, else ""
    snippet: str  # safe HTML, may be empty
    snippet_language: str  # the snippet's language where it is not the page's, else ""
    snippet_in_other_language: bool  # shown because only the other language matched
    details: str


def excerpt(marked, length=SNIPPET_LENGTH):
    """A passage of a text with START/STOP marks around its first mark, cut at spaces."""
    flat = " ".join(marked.split())
    if len(flat) <= length:
        return flat
    first = flat.find(START)
    start = flat.find(" ", first - length // 3) + 1 if first > length // 3 else 0
    end = flat.rfind(" ", start, start + length)
    part = flat[start : end if end > start else start + length]
    if part.rfind(START) > part.rfind(STOP):  # a mark cut off at the end
        part += STOP
    if STOP in part and not -1 < part.find(START) < part.find(STOP):  # … or at the start
        part = START + part
    return ("… " if start else "") + part + " …"


def _html(marked):
    """A text with START/STOP marks as safe HTML: escaped, the marks as <mark>."""
    return mark_safe(escape(marked).replace(START, "<mark>").replace(STOP, "</mark>"))


FIELDS = ["kind", "url_name", "url_kwargs", "url_anchor", "details_de", "details_en", *SHOWN]


def _rows(ids, query):
    """The rows of ``ids`` with their shown texts, and as ``marked_*`` the texts marked
    where they match: by ts_headline, or by FTS5's highlight() in the folded copies."""
    entries = SearchEntry.objects.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        marks = {
            f"marked_{column}": SearchHeadline(
                column,
                query.words(),
                config=CONFIGS[column[-2:]],
                start_sel=START,
                stop_sel=STOP,
                highlight_all=column.startswith("title"),
                max_words=35,
                min_words=15,
            )
            for column in SHOWN
        }
    else:
        # The ids on the FTS5 table's side: it reads their rows only, not every match.
        entries = SearchEntry.objects.filter(match__fts__match=query.fts5(), match__pk__in=ids)
        marks = {
            f"marked_{column}": Func(
                Value(START),
                Value(STOP),
                template=f"highlight(search_fts, {SEARCHED.index(column)}, %(expressions)s)",
            )
            for column in SHOWN
        }
    for row in entries.annotate(**marks).values("pk", *FIELDS, *marks):
        if connection.vendor != "postgresql":
            for column in SHOWN:
                # FTS5 marked the folded copy: a space, then a character for each of the text's.
                written = iter(" " + row[column])
                marked = row[f"marked_{column}"] or ""
                marked = "".join(char if char in MARKS else next(written) for char in marked)
                row[f"marked_{column}"] = marked.replace(" ", "", 1)
        yield row


def results(ids, query, language):
    """The entries ``ids`` (a page of ``matching``) as SearchResults in ``language``."""
    rows = sorted(_rows(ids, query), key=lambda row: ids.index(row["pk"]))
    found = []
    for row in rows:
        title_language = language if row[f"title_{language}"] else "de"
        text_language = language if row[f"text_{language}"] else "de"
        other = "en" if text_language == "de" else "de"
        text = row[f"marked_text_{text_language}"] or row[f"text_{text_language}"]
        in_other = START not in text and START in row[f"marked_text_{other}"]
        if in_other:
            text, text_language = row[f"marked_text_{other}"], other
        with translation.override(language):
            url = reverse(row["url_name"], kwargs=row["url_kwargs"]) + row["url_anchor"]
        found.append(
            SearchResult(
                kind=row["kind"],
                kind_label=SearchEntry.Kind(row["kind"]).label,
                url=url,
                title=_html(
                    row[f"marked_title_{title_language}"] or row[f"title_{title_language}"]
                ),
                title_language="" if title_language == language else title_language,
                snippet=_html(excerpt(text)) if text else "",
                snippet_language="" if text_language == language else text_language,
                snippet_in_other_language=in_other,
                details=row[f"details_{language}"] or row["details_de"],
            )
        )
    return found
