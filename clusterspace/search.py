"""Site-wide search over the public archive: projects, organisations, people, reports, interviews.

German-aware on every database:

* case-insensitive, and umlauts and ß match their plain spellings both ways: "Forderer",
  "Foerderer" and "Förderer" find one another, "Strasse" finds "Straße";
* parts of compound words match, because terms are matched as substrings: "Cluster" and
  "brücken" both find "Clusterbrücken";
* a light stemmer drops German endings when the whole term is not found ("Projekten"
  finds "Projekt") and counts such matches for less;
* both languages' fields are searched; results are shown in the page's language.

The archive is small (a handful of projects, a few hundred at most), so the matching is
done in Python over a normalised copy of the public texts, read in a fixed number of
queries. On PostgreSQL the database's full-text search with the German (and English)
configuration is asked as well: its matches (stemmed words) join the results and its rank
adds to the score. ``scripts/bench_search.py`` measures a search over 1,000 projects.

Only published entries are read, so nothing unpublished can reach the results.
"""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.months import YearMonth, format_span
from people.models import Person
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_TERM_LENGTH = 2
SNIPPET_LENGTH = 220
LANGUAGES = ("de", "en")
# Control characters never in a query: they keep matches inside one field and document.
FIELD_SEPARATOR = "\x1f"
DOCUMENT_SEPARATOR = "\x1e"

# -- Normalisation -------------------------------------------------------------------------


def _strip_marks(char):
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _build_fold_map():
    """Lower-case letters with accents → their base letters: "ä" → "a", "é" → "e".

    Applied after ``str.casefold`` (which lowers the case and turns "ß" into "ss").
    Combining marks fold to nothing, so a decomposed "a" + diaeresis folds like "ä".
    """
    mapping = {}
    ranges = (range(0x80, 0x250), range(0x300, 0x370), range(0x1E00, 0x1F00))
    for code in (code for block in ranges for code in block):
        char = chr(code)
        if char.casefold() == char and _strip_marks(char) != char:
            mapping[char] = _strip_marks(char)
    return mapping


_FOLD_MAP = _build_fold_map()
_ACCENTED = re.compile("[" + "".join(map(re.escape, _FOLD_MAP)) + "]")


def _fold_one(char):
    """One character folded as ``fold`` folds it inside a text."""
    if char.isascii():
        return char.lower()
    return "".join(_FOLD_MAP.get(c, c) for c in char.casefold())


# Characters that fold to more or fewer than one character ("ß" → "ss", marks → ""):
# only texts with one of them need the slow, character-by-character way back.
def _resizing_characters():
    for char in map(chr, range(0x80, 0x10000)):
        folded = char.casefold()
        if len(folded) != 1 or len(_FOLD_MAP.get(folded, folded)) != 1:
            yield re.escape(char)


_RESIZING = re.compile("[" + "".join(_resizing_characters()) + "]")
_DIGRAPH = re.compile(r"([aou])e")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_TERM = re.compile(r'"([^"]*)"|(\S+)')
# Punctuation around a term: ASCII, guillemets and German quotation marks (low-9 and
# single and double turned commas), written as escapes.
_PUNCTUATION = "\"'.,;:!?()[]{}<>\u00ab\u00bb\u201e\u201c\u201d\u201a\u2018\u2019"
# Endings the stemmer may drop, longest first; a stem keeps at least four letters.
_ENDINGS = ("ern", "en", "er", "es", "em", "e", "n", "s")


def fold(text):
    """The text in lower case, umlauts and accents on their base letter, ß as "ss".

    Fast for long texts: the common cases are string methods written in C; only rare
    accented letters go through a regular expression.
    """
    if text.isascii():
        return text.lower()
    text = text.casefold()
    if not text.isascii():
        text = text.replace("ä", "a").replace("ö", "o").replace("ü", "u")
        if not text.isascii():
            text = _ACCENTED.sub(lambda match: _FOLD_MAP[match.group()], text)
    return text


def squash(folded):
    """A folded text with "ae", "oe", "ue" written as "a", "o", "u", as an umlaut folds."""
    return _DIGRAPH.sub(r"\1", folded)


class Positions:
    """A text folded and squashed, with the way back from their positions to the text's.

    Folding keeps most characters one for one; the few that become more or fewer
    ("ß" → "ss", a combining mark → nothing) split the text into pieces, and a position
    is found again through its piece.
    """

    def __init__(self, text):
        self.text = text
        pieces, folded_starts, text_starts, regular = [], [], [], []
        length = 0

        def add(folded, text_start, is_regular):
            nonlocal length
            if folded:
                pieces.append(folded)
                folded_starts.append(length)
                text_starts.append(text_start)
                regular.append(is_regular)
                length += len(folded)

        position = 0
        for match in _RESIZING.finditer(text):
            add(fold(text[position : match.start()]), position, True)
            add(_fold_one(match.group()), match.start(), False)
            position = match.end()
        add(fold(text[position:]), position, True)
        self.folded = "".join(pieces)
        self._folded_starts, self._text_starts, self._regular = folded_starts, text_starts, regular
        removed = [match.start() + 1 for match in _DIGRAPH.finditer(self.folded)]
        self.squashed = _DIGRAPH.sub(r"\1", self.folded)
        self._removed = set(removed)
        # Where each removed "e" would have stood in the squashed text.
        self._shifts = [position - count for count, position in enumerate(removed)]

    def _in_text(self, folded_position):
        """The span of the text that the folded text's character at ``folded_position`` is from."""
        piece = bisect_right(self._folded_starts, folded_position) - 1
        start = self._text_starts[piece]
        if self._regular[piece]:
            start += folded_position - self._folded_starts[piece]
        return start, start + 1

    def _text_span(self, start, end):
        """[start, end) of the folded text → the span in the original text."""
        first, last = self._in_text(start)[0], self._in_text(end - 1)[1]
        while last < len(self.text) and unicodedata.combining(self.text[last]):
            last += 1  # a combining mark belongs to the letter before it
        return first, last

    def _folded(self, position):
        return position + bisect_right(self._shifts, position)

    def spans(self, needle, squashed=False):
        """Every occurrence of ``needle`` as a span of the original text."""
        haystack = self.squashed if squashed else self.folded
        found = []
        start = haystack.find(needle) if needle else -1
        while start >= 0:
            end = start + len(needle)
            if squashed:
                first, last = self._folded(start), self._folded(end - 1) + 1
                if last in self._removed:  # "Mue" for "mu": the "e" belongs to the letter
                    last += 1
                found.append(self._text_span(first, last))
            else:
                found.append(self._text_span(start, end))
            start = haystack.find(needle, end)
        return found


def stem(folded_term):
    """The term without a German ending, or "" if it has none worth dropping."""
    for ending in _ENDINGS:
        if folded_term.endswith(ending) and len(folded_term) - len(ending) >= 4:
            return folded_term[: -len(ending)]
    return ""


# -- Queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str  # as typed
    folded: str
    squashed: str
    stem: str
    stem_squashed: str

    @classmethod
    def parse(cls, text):
        folded = fold(text)
        stemmed = stem(folded)
        return cls(text, folded, squash(folded), stemmed, squash(stemmed) if stemmed else "")


@dataclass
class Query:
    """A visitor's query, cleaned: at most 200 characters, at most eight terms."""

    raw: str = ""
    text: str = ""
    terms: list = field(default_factory=list)
    notices: list = field(default_factory=list)

    @classmethod
    def parse(cls, raw):
        raw = raw if isinstance(raw, str) else ""
        text = " ".join(_CONTROL.sub(" ", raw).split())
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
        terms, seen, too_short = [], set(), False
        for match in _TERM.finditer(text):
            phrase = " ".join((match.group(1) or match.group(2) or "").split())
            phrase = phrase.strip(_PUNCTUATION)
            folded = fold(phrase)
            if len(folded.replace(" ", "")) < MIN_TERM_LENGTH:
                too_short = too_short or bool(phrase)
                continue
            if folded not in seen:
                seen.add(folded)
                terms.append(Term.parse(phrase))
        if len(terms) > MAX_TERMS:
            terms = terms[:MAX_TERMS]
            notices.append(
                _("Gesucht wurde nach den ersten %(count)d Suchbegriffen.") % {"count": MAX_TERMS}
            )
        if too_short and terms:
            notices.append(_("Begriffe mit nur einem Zeichen wurden nicht berücksichtigt."))
        return cls(raw=raw, text=text, terms=terms, notices=notices)

    def __bool__(self):
        return bool(self.terms)


# -- Documents -----------------------------------------------------------------------------


class Text:
    """One field's text in one language, normalised when first needed."""

    __slots__ = ("_folded", "_squashed", "language", "raw")

    def __init__(self, raw, language):
        self.raw = raw
        self.language = language  # "de", "en" or "" for names, codes and years
        self._folded = self._squashed = None

    @property
    def folded(self):
        if self._folded is None:
            self._folded = fold(self.raw)
        return self._folded

    @property
    def squashed(self):
        if self._squashed is None:
            self._squashed = squash(self.folded)
        return self._squashed


@dataclass
class SearchField:
    name: str
    weight: float
    texts: list  # of Text


KIND_ORDER = ("project", "organisation", "person", "report", "interview")
KIND_LABELS = {
    "project": _("Projekt"),
    "organisation": _("Organisation"),
    "person": _("Person"),
    "report": _("Jahresbericht"),
    "interview": _("Interview"),
}


@dataclass
class Document:
    kind: str
    pk: int
    fields: list  # of SearchField, the title's field first
    titles: dict  # language → the title a result shows
    row: dict  # the values read, for snippets and the result's details
    snippet_fields: tuple = ()
    url_args: tuple = ()
    title_field: str = ""  # the translated field the title comes from

    def url(self):
        name, kwargs, anchor = self.url_args
        return reverse(name, kwargs=kwargs) + anchor

    def raw(self):
        """All of the document's texts in one string, fields apart by a control character."""
        return FIELD_SEPARATOR.join(text.raw for field in self.fields for text in field.texts)


def _texts(row, name, *, translated=True):
    """The field's values per language, without empty ones and without duplicates."""
    if not translated:
        value = row.get(name) or ""
        return [Text(value, "")] if value else []
    texts, seen = [], set()
    for language in LANGUAGES:
        value = row.get(f"{name}_{language}") or ""
        if value and value not in seen:
            seen.add(value)
            texts.append(Text(value, language))
    return texts


def _in_language(row, name, language):
    """A translated field's value in ``language``, falling back to German like the pages do."""
    return row.get(f"{name}_{language}") or row.get(f"{name}_de") or ""


def _fallback_language(row, name, language):
    """ "de" when ``_in_language`` fell back to German for ``language``, else ""."""
    if not name or language == "de" or row.get(f"{name}_{language}"):
        return ""
    return "de" if row.get(f"{name}_de") else ""


def _translated(*names):
    return [f"{name}_{language}" for name in names for language in LANGUAGES]


def _join_name(title_before, given_name, family_name, title_after):
    name = " ".join(part for part in (title_before, given_name, family_name) if part)
    return f"{name}, {title_after}" if title_after else name


def project_documents():
    rows = (
        Project.objects.published()
        .rewrite(False)
        .values(
            "pk",
            "slug",
            "code",
            "acronym",
            "start_year",
            "start_month",
            "end_year",
            "end_month",
            *_translated("title", "subtitle", "description"),
        )
    )
    for row in rows:
        prefix = f"{row['code']}: " if row["code"] else ""
        yield Document(
            kind="project",
            pk=row["pk"],
            fields=[
                SearchField("title", 10, _texts(row, "title")),
                SearchField("code", 9, _texts(row, "code", translated=False)),
                SearchField("acronym", 9, _texts(row, "acronym", translated=False)),
                SearchField("subtitle", 6, _texts(row, "subtitle")),
                SearchField("description", 2, _texts(row, "description")),
            ],
            titles={lang: prefix + _in_language(row, "title", lang) for lang in LANGUAGES},
            title_field="title",
            row=row,
            snippet_fields=("subtitle", "description"),
            url_args=("projects:detail", {"slug": row["slug"]}, ""),
        )


def organisation_documents():
    """Organisations of published projects, with the names the projects list them under."""
    historic = {}
    names = (
        Funding.objects.filter(project__published=True)
        .rewrite(False)
        .values_list("organisation_id", *_translated("name_as_listed", "short_name_as_listed"))
    )
    for org_id, *listed in names:
        historic.setdefault(org_id, set()).update(name for name in listed if name)
    public = Organisation.objects.with_public_projects().values("pk")
    rows = (
        Organisation.objects.filter(pk__in=public)
        .rewrite(False)
        .values("pk", "slug", *_translated("name", "short_name", "description"))
    )
    for row in rows:
        yield Document(
            kind="organisation",
            pk=row["pk"],
            fields=[
                SearchField("name", 10, _texts(row, "name")),
                SearchField("short_name", 9, _texts(row, "short_name")),
                SearchField(
                    "history", 6, [Text(name, "") for name in sorted(historic.get(row["pk"], ()))]
                ),
                SearchField("description", 2, _texts(row, "description")),
            ],
            titles={lang: _in_language(row, "name", lang) for lang in LANGUAGES},
            title_field="name",
            row=row,
            snippet_fields=("description",),
            url_args=("projects:organisation", {"slug": row["slug"]}, ""),
        )


def person_documents():
    public = Person.objects.public().values("pk")
    rows = (
        Person.objects.filter(pk__in=public)
        .rewrite(False)
        .values(
            "pk",
            "slug",
            "title_before",
            "given_name",
            "family_name",
            "title_after",
            *_translated("affiliation"),
        )
    )
    for row in rows:
        name = _join_name(
            row["title_before"], row["given_name"], row["family_name"], row["title_after"]
        )
        yield Document(
            kind="person",
            pk=row["pk"],
            fields=[
                SearchField("name", 10, [Text(name, "")]),
                SearchField("affiliation", 3, _texts(row, "affiliation")),
            ],
            titles=dict.fromkeys(LANGUAGES, name),
            row=row,
            snippet_fields=("affiliation",),
            url_args=("people:detail", {"slug": row["slug"]}, ""),
        )


def report_documents():
    rows = AnnualReport.objects.published().values(
        "pk", "year", "series__slug", *_translated("series__title")
    )
    for row in rows:
        titles = {
            lang: f"{_in_language(row, 'series__title', lang)} {row['year']}" for lang in LANGUAGES
        }
        texts = [Text(titles["de"], "de")]
        if titles["en"] != titles["de"]:
            texts.append(Text(titles["en"], "en"))
        yield Document(
            kind="report",
            pk=row["pk"],
            fields=[SearchField("title", 10, texts)],
            titles=titles,
            title_field="series__title",
            row=row,
            url_args=("reports:detail", {"series": row["series__slug"], "year": row["year"]}, ""),
        )


def interview_documents():
    visible = Interview.objects.published().filter(project__published=True)
    names = {}
    through = Interview.interviewees.through.objects.filter(interview__in=visible)
    for interview_id, *parts in through.values_list(
        "interview_id",
        "person__title_before",
        "person__given_name",
        "person__family_name",
        "person__title_after",
    ):
        names.setdefault(interview_id, []).append(_join_name(*parts))
    rows = visible.rewrite(False).values(
        "pk",
        "project__slug",
        "interviewer__title_before",
        "interviewer__given_name",
        "interviewer__family_name",
        "interviewer__title_after",
        *_translated("title", "headline", "teaser", "project__title"),
    )
    for row in rows:
        people = list(names.get(row["pk"], ()))
        if row["interviewer__family_name"]:
            people.append(
                _join_name(
                    row["interviewer__title_before"],
                    row["interviewer__given_name"],
                    row["interviewer__family_name"],
                    row["interviewer__title_after"],
                )
            )
        yield Document(
            kind="interview",
            pk=row["pk"],
            fields=[
                SearchField("title", 8, _texts(row, "title")),
                SearchField("headline", 6, _texts(row, "headline")),
                SearchField("people", 4, [Text(name, "") for name in people]),
                SearchField("teaser", 3, _texts(row, "teaser")),
            ],
            titles={lang: _in_language(row, "title", lang) for lang in LANGUAGES},
            title_field="title",
            row=row,
            snippet_fields=("headline", "teaser"),
            url_args=(
                "projects:detail",
                {"slug": row["project__slug"]},
                f"#interview-{row['pk']}",
            ),
        )


def documents():
    """Every public entry as a search document, in eight queries however many there are."""
    yield from project_documents()
    yield from organisation_documents()
    yield from person_documents()
    yield from report_documents()
    yield from interview_documents()


# -- Matching and scoring ------------------------------------------------------------------


def _is_word_start(text, index):
    return index == 0 or not text[index - 1].isalnum()


def _is_word_end(text, index):
    return index >= len(text) or not text[index].isalnum()


def _quality_in(haystack, needle):
    """1.0 for a whole word, 0.8 for the start of a word, 0.6 inside a word, 0 for none."""
    index = haystack.find(needle)
    if index < 0:
        return 0.0
    best = 0.6
    checked = 0
    while index >= 0 and checked < 5:
        if _is_word_start(haystack, index):
            if _is_word_end(haystack, index + len(needle)):
                return 1.0
            best = 0.8
        index = haystack.find(needle, index + 1)
        checked += 1
    return best


def _match_quality(text, term):
    """How well ``term`` occurs in ``text`` (one field, one language): 0 if not at all.

    A whole word counts 1.0, the start of a word 0.8, a part of a word (a compound's
    second part) 0.6, a stem only 0.4. The squashed spelling ("ae" as "a") is looked at
    only when the folded one does not match.
    """
    quality = (
        _quality_in(text.folded, term.folded)
        # "Foerderer" typed, "Förderer" written: the squashed term is in the folded text.
        or _quality_in(text.folded, term.squashed)
        or _quality_in(text.squashed, term.squashed)
    )
    if quality:
        return quality
    if term.stem and (term.stem in text.folded or term.stem_squashed in text.squashed):
        return 0.4
    return 0.0


def score(document, query, language):
    """The document's score for ``query``, 0 unless every term occurs in some field.

    Each term counts with its best field: the field's weight times the match quality,
    a little less when found only in the other language's text.
    """
    total = 0.0
    for term in query.terms:
        best = 0.0
        for search_field in document.fields:
            for text in search_field.texts:
                quality = _match_quality(text, term)
                if quality:
                    if text.language and text.language != language:
                        quality *= 0.9
                    best = max(best, search_field.weight * quality)
        if not best:
            return 0.0
        total += best
    # The whole query as it was typed, inside a title or name: a strong sign.
    if len(query.terms) > 1:
        phrase = squash(fold(" ".join(term.text for term in query.terms)))
        head = document.fields[0]
        if any(phrase in text.squashed for text in head.texts):
            total += 5
    return total


# -- Highlighting --------------------------------------------------------------------------


def _match_spans(text, terms):
    """Spans of ``text`` where any term (or, failing that, its stem) occurs, merged."""
    positions = Positions(text)
    found = []
    for term in terms:
        hits = positions.spans(term.folded) + positions.spans(term.squashed, squashed=True)
        if not hits and term.stem:
            hits = positions.spans(term.stem) + positions.spans(term.stem_squashed, squashed=True)
        found += hits
    merged = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text, terms):
    """``text`` escaped, with every match of ``terms`` in ``<mark>``."""
    parts, position = [], 0
    for start, end in _match_spans(text, terms):
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    # Safe: every piece of the text went through escape(); only <mark> is added.
    return mark_safe("".join(parts))


def excerpt(text, terms, length=SNIPPET_LENGTH):
    """A passage of ``text`` around its first match, cut at word boundaries."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    spans = _match_spans(text, terms)
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")


# -- Results -------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    kind_label: str
    title: str  # safe HTML
    title_language: str  # "de" when the English page shows the German title, else ""
    url: str
    snippet: str  # safe HTML, may be empty
    snippet_language: str  # the snippet's language when it is not the page's, else ""
    snippet_in_other_language: bool  # the match is only in the other language's text
    details: str  # plain text: a project's duration, an interview's project
    score: float


def _snippet(document, query, language):
    """The passage to show, its language if not the page's, and whether it is shown because
    the match is only in the other language's text.

    The first snippet field that matches, preferably in the page's language (or German,
    where a translation is missing, as on the pages); else the first that has a text.
    """
    row = document.row
    fields = {search_field.name: search_field for search_field in document.fields}
    for name in document.snippet_fields:
        page_text = _in_language(row, name, language)
        if page_text and _match_spans(page_text, query.terms):
            return page_text, _fallback_language(row, name, language), False
        for text in fields[name].texts:
            if text.language not in ("", language) and any(
                _match_quality(text, term) for term in query.terms
            ):
                return text.raw, text.language, True
    for name in document.snippet_fields:
        page_text = _in_language(row, name, language)
        if page_text:
            return page_text, _fallback_language(row, name, language), False
    return "", "", False


def _details(document, language):
    row = document.row
    if document.kind == "project":
        start = YearMonth(row["start_year"], row["start_month"])
        end = YearMonth(row["end_year"], row["end_month"]) if row["end_year"] else None
        return format_span(start, end)
    if document.kind == "interview":
        return _in_language(row, "project__title", language)
    return ""


def _result(document, query, score_value, language):
    snippet, snippet_language, other_language = _snippet(document, query, language)
    return Result(
        kind=document.kind,
        kind_label=KIND_LABELS[document.kind],
        title=highlight(document.titles[language], query.terms),
        title_language=_fallback_language(document.row, document.title_field, language),
        url=document.url(),
        snippet=highlight(excerpt(snippet, query.terms), query.terms) if snippet else "",
        snippet_language=snippet_language,
        snippet_in_other_language=other_language,
        details=_details(document, language),
        score=round(score_value, 2),
    )


class Hits(list):
    """Scored documents, best first; turned into ``Result`` objects when shown."""

    def __init__(self, items, query, language):
        super().__init__(items)
        self.query = query
        self.language = language

    def __getitem__(self, index):
        item = super().__getitem__(index)
        if isinstance(index, slice):
            return [_result(doc, self.query, value, self.language) for value, doc in item]
        value, doc = item
        return _result(doc, self.query, value, self.language)

    def counts(self):
        counts = dict.fromkeys(KIND_ORDER, 0)
        for _value, doc in list.__iter__(self):
            counts[doc.kind] += 1
        return [(kind, KIND_LABELS[kind], n) for kind, n in counts.items() if n]


def _postgres_ranks(query):
    """PostgreSQL's full-text matches: {(kind, pk): rank}, German and English configurations."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    text = " ".join(term.text for term in query.terms)
    search = SearchQuery(text, config="german", search_type="websearch") | SearchQuery(
        text, config="english", search_type="websearch"
    )

    def vector(weights):
        parts = []
        for name, weight in weights:
            for language, config in (("de", "german"), ("en", "english")):
                parts.append(SearchVector(f"{name}_{language}", weight=weight, config=config))
        combined = parts[0]
        for part in parts[1:]:
            combined = combined + part
        return combined

    sources = (
        (
            "project",
            Project.objects.published(),
            [("title", "A"), ("subtitle", "B"), ("description", "C")],
        ),
        (
            "organisation",
            Organisation.objects.filter(
                pk__in=Organisation.objects.with_public_projects().values("pk")
            ),
            [("name", "A"), ("short_name", "A"), ("description", "C")],
        ),
        (
            "interview",
            Interview.objects.published().filter(project__published=True),
            [("title", "A"), ("headline", "B"), ("teaser", "C")],
        ),
    )
    ranks = {}
    for kind, queryset, weights in sources:
        matches = (
            queryset.annotate(document=vector(weights))
            .filter(document=search)
            .annotate(rank=SearchRank(vector(weights), search))
            .values_list("pk", "rank")
        )
        for pk, rank in matches:
            ranks[(kind, pk)] = rank
    return ranks


def _candidates(documents, query):
    """The documents in which every term (or its stem) occurs somewhere.

    All texts are folded at once, as one string: string methods written in C do the work,
    and only the documents that pass are scored field by field.
    """
    raws = [document.raw() for document in documents]
    corpus = DOCUMENT_SEPARATOR.join(raws)
    if corpus.count(DOCUMENT_SEPARATOR) != max(len(raws) - 1, 0):  # a text holds one itself
        corpus = DOCUMENT_SEPARATOR.join(raw.replace(DOCUMENT_SEPARATOR, " ") for raw in raws)
    folded = fold(corpus)
    squashed = squash(folded)
    for document, in_folded, in_squashed in zip(
        documents,
        folded.split(DOCUMENT_SEPARATOR),
        squashed.split(DOCUMENT_SEPARATOR),
        strict=True,
    ):
        if all(
            term.folded in in_folded
            or term.squashed in in_folded
            or term.squashed in in_squashed
            or (term.stem and (term.stem in in_folded or term.stem_squashed in in_squashed))
            for term in query.terms
        ):
            yield document


def search(query, language=None):
    """The public entries matching ``query``, best first, as ``Hits``."""
    language = (language or get_language() or "de")[:2]
    if language not in LANGUAGES:
        language = "de"
    if not query:
        return Hits([], query, language)
    ranks = _postgres_ranks(query) if connection.vendor == "postgresql" else {}
    everything = list(documents())
    candidates = list(_candidates(everything, query))
    if ranks:
        chosen = {id(document) for document in candidates}
        candidates += [
            document
            for document in everything
            if (document.kind, document.pk) in ranks and id(document) not in chosen
        ]
    scored = []
    for document in candidates:
        value = score(document, query, language)
        rank = ranks.get((document.kind, document.pk))
        if rank is not None:
            # Stemmed matches the substring search missed count like a stem match here.
            value = max(value, 4.0) + 10 * rank
        if value:
            scored.append((value, document))
    scored.sort(key=lambda item: (-item[0], KIND_ORDER.index(item[1].kind), item[1].pk))
    return Hits(scored, query, language)
