"""Site-wide search over the public archive, run by the database.

What matches (the same on SQLite and PostgreSQL; a static mirror should do the same):

* **Entries.** Published projects, organisations that fund or partner a published
  project, people named on a published project or in a published interview, published
  annual reports, published interviews of published projects and the published statutory
  pages. Nothing else is in the index (``search.index`` keeps it in step).
* **Fields.** Both languages' titles, texts and names, whichever the page's language:
  a project's code, acronym, title, subtitle and description, and the names of the
  people who hold a role in it (so "Wulfsberg" finds P01); an organisation's name,
  short name, description and the names its fundings list it under; a person's name
  and affiliation; a report's series title and year; an interview's title, headline,
  teaser and the names of interviewer and interviewees; a page's title and body.
* **Folding** (``key``), applied to texts and queries alike: lower case
  (``str.casefold``, so "ß" becomes "ss"), accents and umlauts on their base letter
  ("ä" → "a", "é" → "e"; letters without a Unicode decomposition such as "ø", "æ",
  "ł" stay), then "ae", "oe", "ue" written as "a", "o", "u" ("Förderer",
  "Foerderer" and "Forderer" are all "forderer"; "Straße" and "Strasse" "strasse");
  every run of characters other than letters, digits and "_" becomes one space.
* **Terms.** The query is split at spaces; "quoted words" stay one term. Every term
  must occur (AND). A term matches where its folded form occurs anywhere in a folded
  text, also inside a word ("brücken" finds "Clusterbrücken", "Cluster" finds it too);
  a term of two characters only at the start of a word. A single word that ends in a German
  ending (-ern, -en, -er, -es, -em, -e, -n, -s, leaving at least four letters) also
  matches without it ("Metropolregionen" finds "Metropolregion"). On PostgreSQL a term
  also matches the German and English stems of the words (Snowball, via tsvector).
* **Order.** Per term: a whole word of the title 10, the start of a word of the title 8,
  elsewhere in the title 6, a whole name 5, the start of a name 4, elsewhere in the names
  3, a whole word of the text 2, else 1; summed over the terms. PostgreSQL adds its
  ``SearchRank``. Ties: projects, organisations, people, reports, interviews, pages;
  then by title.
* **Misspellings.** Only on PostgreSQL, only when nothing matched exactly: each term of
  four or more characters must be similar enough to a part of the folded texts (pg_trgm's
  ``<%``, word similarity at least 0.6); shorter terms are left out. The page says that
  it shows entries of similar spelling.

Queries are cut to 200 characters and eight terms; control characters count as spaces;
no character has a meaning to the database's search syntax (terms reach it as quoted
strings or as ``LIKE`` patterns with their wildcards escaped). Results are shown in the
page's language, with the German text where a translation is missing.
"""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, Case, Count, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import SearchEntry

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_TERM_LENGTH = 2
SNIPPET_LENGTH = 220
LANGUAGES = ("de", "en")

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
_WORD = re.compile(r"\w+")
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


def key(text):
    """The text as the index matches it: folded, squashed, its words apart by one space,
    with a space before and after (so " word" is the start of a word); "" if no words.
    """
    words = _WORD.findall(squash(fold(text)))
    return f" {' '.join(words)} " if words else ""


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
    key: str  # as matched: ``key(text)`` without the spaces around it
    stem_key: str  # the key without a German ending, or ""

    @classmethod
    def parse(cls, text):
        folded = fold(text)
        stemmed = stem(folded)
        term_key = key(text).strip()
        stem_key = stem(term_key) if " " not in term_key else ""
        return cls(
            text,
            folded,
            squash(folded),
            stemmed,
            squash(stemmed) if stemmed else "",
            term_key,
            squash(stem_key),
        )


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
            term_key = key(phrase).strip()
            if len(term_key.replace(" ", "")) < MIN_TERM_LENGTH:
                too_short = too_short or bool(phrase)
                continue
            if term_key not in seen:
                seen.add(term_key)
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
    return _merge(found)


def _merge(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text, terms, marked=()):
    """``text`` escaped, with every match of ``terms`` (and the spans ``marked``) in ``<mark>``."""
    parts, position = [], 0
    for start, end in _merge([*_match_spans(text, terms), *marked]):
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


# -- Searching -----------------------------------------------------------------------------

KIND_ORDER = [kind for kind, _label in SearchEntry.Kind.choices]
KIND_LABELS = dict(SearchEntry.Kind.choices)
FTS_TABLE = "search_fts"
# pg_trgm's word similarity a misspelt term needs (its default threshold is 0.6).
MIN_TERM_FOR_SIMILARITY = 4


def _is_postgresql():
    return connection.vendor == "postgresql"


def _fts_string(text):
    """An FTS5 string: the text in double quotes, a quote inside doubled. Whatever the
    text holds, FTS5 reads it as characters to find, never as syntax."""
    return '"' + text.replace('"', '""') + '"'


def _needles(term):
    """The folded strings of which one must occur for ``term`` to match."""
    if len(term.key) < 3:
        return [" " + term.key]  # two characters: the start of a word
    return [term.key, term.stem_key] if term.stem_key else [term.key]


def _sqlite_match(query):
    """One FTS5 expression for the trigram table: every term, each as any of its needles."""
    return " AND ".join(
        "(" + " OR ".join(_fts_string(needle) for needle in _needles(term)) + ")"
        for term in query.terms
    )


def _tsquery(term):
    from django.contrib.postgres.search import SearchQuery

    # plainto_tsquery: the text's words, stemmed, ANDed; no operator in it counts.
    return (
        SearchQuery(term.key, config="search_de")
        | SearchQuery(term.key, config="search_en")
        | SearchQuery(term.key, config="simple")
    )


def _document():
    from django.contrib.postgres.search import SearchVectorField

    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    return RawSQL(f"{table}.{connection.ops.quote_name('document')}", [], SearchVectorField())


def _term_score(term):
    """The points ``term`` earns in an entry (see the module's docstring)."""
    whole, start = f" {term.key} ", f" {term.key}"

    def title(needle):
        return Q(title_key_de__contains=needle) | Q(title_key_en__contains=needle)

    def text(needle):
        return Q(text_key_de__contains=needle) | Q(text_key_en__contains=needle)

    return Case(
        When(title(whole), then=Value(10.0)),
        When(title(start), then=Value(8.0)),
        When(title(term.key), then=Value(6.0)),
        When(names_key__contains=whole, then=Value(5.0)),
        When(names_key__contains=start, then=Value(4.0)),
        When(names_key__contains=term.key, then=Value(3.0)),
        When(text(whole), then=Value(2.0)),
        default=Value(1.0),
        output_field=FloatField(),
    )


def _score(query):
    total = Value(0.0, output_field=FloatField())
    for term in query.terms:
        total = total + _term_score(term)
    return total


def matching(query):
    """The index's entries that match ``query``, best first: a QuerySet (not yet run)."""
    entries = SearchEntry.objects.all()
    score = _score(query)
    if _is_postgresql():
        from django.contrib.postgres.search import SearchRank

        entries = entries.alias(document=_document())
        combined = None
        for term in query.terms:
            condition = Q(document=_tsquery(term))
            for needle in _needles(term):
                condition |= Q(folded__contains=needle)
            entries = entries.filter(condition)
            combined = _tsquery(term) if combined is None else combined & _tsquery(term)
        score = score + SearchRank(_document(), combined)
    else:
        rows = RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_sqlite_match(query)]
        )
        entries = entries.filter(pk__in=rows)
    return entries.annotate(score=score).order_by("-score", "kind_order", "title_de", "pk")


def similar(query):
    """PostgreSQL only: entries in which each term of four or more characters is close to
    a word (pg_trgm's ``<%``, served by the trigram index); None elsewhere or without such
    a term."""
    terms = [term for term in query.terms if len(term.key) >= MIN_TERM_FOR_SIMILARITY]
    if not _is_postgresql() or not terms:
        return None
    entries = SearchEntry.objects.all()
    score = Value(0.0, output_field=FloatField())
    for term in terms:
        entries = entries.filter(RawSQL("%s <%% folded", [term.key], output_field=BooleanField()))
        score = score + TrigramWordSimilarity(Value(term.key), "folded")
    return entries.annotate(score=score).order_by("-score", "kind_order", "title_de", "pk")


# -- Results -------------------------------------------------------------------------------

RESULT_FIELDS = (
    "kind",
    "object_id",
    "url_name",
    "url_kwargs",
    "url_anchor",
    "title_de",
    "title_en",
    "text_de",
    "text_en",
    "text_key_de",
    "text_key_en",
    "details_de",
    "details_en",
    "score",
)
# ts_headline marks its matches with these; never in a text (control characters).
START_SEL, STOP_SEL = "\x02", "\x03"


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


def _matches(text_key, query):
    return any(needle in text_key for term in query.terms for needle in (*_needles(term), term.key))


def _headline(fragment):
    """ts_headline's fragment: the text without the markers, and the marked spans."""
    text, spans, start = [], [], None
    length = 0
    for char in fragment:
        if char == START_SEL:
            start = length
        elif char == STOP_SEL and start is not None:
            spans.append((start, length))
            start = None
        else:
            text.append(char)
            length += 1
    return "".join(text), spans


def _snippet(row, query, language):
    """(html, language if not the page's, whether shown for a match in the other language)."""
    own_language = language if row[f"text_{language}"] else "de"
    other = "en" if own_language == "de" else "de"
    choice = (row[f"text_{own_language}"], own_language, False)
    if (
        row[f"text_{other}"]
        and not _matches(row[f"text_key_{own_language}"], query)
        and _matches(row[f"text_key_{other}"], query)
    ):
        choice = (row[f"text_{other}"], other, True)
    text, text_language, in_other = choice
    if not text:
        return "", "", False
    headline = row.get(f"headline_{text_language}")
    if headline:
        # Spaces as the text is compared below; the markers are no spaces, so they stay.
        fragment, marked = _headline(" ".join(headline.split()))
        flat = " ".join(text.split())
        if fragment and fragment in flat:
            prefix = "… " if not flat.startswith(fragment) else ""
            suffix = " …" if not flat.endswith(fragment) else ""
            html = highlight(fragment, query.terms, marked)
            snippet = mark_safe(f"{prefix}{html}{suffix}")  # the pieces are escaped above
            return snippet, "" if text_language == language else text_language, in_other
    snippet = highlight(excerpt(text, query.terms), query.terms)
    return snippet, "" if text_language == language else text_language, in_other


def _result(row, query, language):
    title = row[f"title_{language}"] or row["title_de"]
    title_language = "de" if language != "de" and not row[f"title_{language}"] else ""
    snippet, snippet_language, in_other = _snippet(row, query, language)
    with translation.override(language):
        url = reverse(row["url_name"], kwargs=row["url_kwargs"] or {}) + row["url_anchor"]
    return Result(
        kind=row["kind"],
        kind_label=KIND_LABELS[row["kind"]],
        title=highlight(title, query.terms),
        title_language=title_language,
        url=url,
        snippet=snippet,
        snippet_language=snippet_language,
        snippet_in_other_language=in_other,
        details=row[f"details_{language}"] or row["details_de"],
        score=round(row["score"], 2),
    )


class Hits:
    """The matching entries, best first, read a page at a time.

    The number per kind (``counts()``, which ``count()`` adds up) and a slice are one
    query each, so a ``Paginator`` over ``Hits`` reads two queries per page however
    large the archive; a slice gives ``Result`` objects.
    """

    def __init__(self, entries, query, language, approximate=False):
        self.entries = entries
        self.query = query
        self.language = language
        self.approximate = approximate  # found by similar spelling only

    @cached_property
    def numbers(self):
        """{kind: number of matches}: one query, asked once however often it is needed
        (whether to fall back, the paginator, the counts per kind)."""
        if self.entries is None:
            return {}
        return dict(self.entries.order_by().values_list("kind").annotate(number=Count("pk")))

    def count(self):
        return sum(self.numbers.values())

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if self.entries is None:
            return []
        rows = self.entries.values(*RESULT_FIELDS)
        if _is_postgresql():
            rows = rows.annotate(**self._headlines())
            fields = (*RESULT_FIELDS, "headline_de", "headline_en")
            rows = rows.values(*fields)
        return [_result(row, self.query, self.language) for row in rows[index]]

    def _headlines(self):
        from django.contrib.postgres.search import SearchHeadline, SearchQuery

        text = " ".join(term.key for term in self.query.terms)
        options = {"start_sel": START_SEL, "stop_sel": STOP_SEL, "max_words": 35, "min_words": 15}
        return {
            f"headline_{language}": SearchHeadline(
                f"text_{language}",
                SearchQuery(text, config=config, search_type="plain"),
                config=config,
                **options,
            )
            for language, config in (("de", "search_de"), ("en", "search_en"))
        }

    def counts(self):
        """[(kind, label, number)] of the matches, in the kinds' order."""
        numbers = self.numbers
        return [(kind, KIND_LABELS[kind], numbers[kind]) for kind in KIND_ORDER if kind in numbers]


def search(query, language=None):
    """The public entries matching ``query`` in ``language``'s view, as ``Hits``.

    Runs nothing yet: the page asks for the count and one page of results.
    """
    language = (language or translation.get_language() or "de")[:2]
    if language not in LANGUAGES:
        language = "de"
    if not query:
        return Hits(None, query, language)
    return Hits(matching(query), query, language)


def search_with_fallback(query, language=None):
    """``search``, and where it finds nothing on PostgreSQL, entries of similar spelling."""
    hits = search(query, language)
    if query and hits.count() == 0:
        entries = similar(query)
        if entries is not None:
            return Hits(entries, query, hits.language, approximate=True)
    return hits
