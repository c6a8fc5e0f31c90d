"""Template tags for the site's frame: language alternates, navigation, durations.

Load with ``{% load site_tags %}``.
"""

from itertools import groupby
from operator import attrgetter

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override
from django.utils.translation import gettext as _

from core.months import format_span
from core.reversing import reverse_cached
from core.templatetags.i18n_tags import marked, tr
from pages.views import render_line

register = template.Library()

# Stand-ins for the two months while the translated sentence is escaped; they cannot
# occur in a translation, so replacing them afterwards touches nothing else.
_START = "\ue000"
_END = "\ue001"


def _home_in(language):
    with override(language):
        try:
            return reverse("projects:index")
        except NoReverseMatch:  # pragma: no cover - the home page always exists
            return f"/{language}/"


def _path_in(request, language):
    """The current page in ``language``; its home page if the page has no counterpart.

    Remembered on the request: the alternate links and the language switch both ask,
    and each answer costs a resolve and a reverse.
    """
    if request is None:
        return _home_in(language)
    paths = getattr(request, "paths_by_language", None)
    if paths is None:
        paths = request.paths_by_language = {}
    if language not in paths:
        paths[language] = _translate_path(request, language)
    return paths[language]


def _translate_path(request, language):
    """A page without a counterpart is one that did not resolve (a 404): ``translate_url``
    then hands back the path unchanged, which would point into the wrong language.
    """
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        return _home_in(language)
    translated = _reverse_match(match, language) or path
    if translated == path and language != get_language():
        return _home_in(language)
    return translated


def _reverse_match(match, language):
    """What ``translate_url`` answers for the request's own path, without resolving the
    path a second time: the view's name and arguments reversed in ``language``."""
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    if not name:
        return ""
    with override(language):
        try:
            return reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return ""


def _other_languages():
    current = get_language()
    return [code for code, _name in settings.LANGUAGES if code != current]


@register.inclusion_tag("includes/_hreflang_links.html", takes_context=True)
def hreflang_links(context):
    """``<link rel="alternate" hreflang>`` for every language and x-default (German).

    Pages that did not resolve (error pages) get none: they have no counterparts.
    """
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return {"alternates": []}
    alternates = [
        (code, request.build_absolute_uri(_path_in(request, code)))
        for code, _name in settings.LANGUAGES
    ]
    default = dict(alternates).get(settings.LANGUAGE_CODE)
    if default:
        alternates.append(("x-default", default))
    return {"alternates": alternates}


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's own absolute address, without its query string."""
    request = context.get("request")
    return request.build_absolute_uri(request.path) if request is not None else ""


@register.inclusion_tag("includes/_language_switch.html", takes_context=True)
def language_switch(context):
    """Links to this page in the other language(s), named in their own language."""
    request = context.get("request")
    languages = []
    for code in _other_languages():
        info = get_language_info(code)
        languages.append({"code": code, "name": info["name_local"], "url": _path_in(request, code)})
    return {"languages": languages}


@register.simple_tag
def site_url(viewname):
    """``{% url %}`` for the frame's links to the site's own sections, which every page
    links: remembered by ``reverse_cached`` (docs/performance.md)."""
    return reverse_cached(viewname)


@register.simple_tag(takes_context=True)
def nav_current(context, namespace, url_name=""):
    """``aria-current`` for a navigation link to the section ``namespace``.

    "page" on the section's page named ``url_name`` itself, "true" anywhere else in the
    section (a project page is in "Projekte"), nothing outside it.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != namespace:
        return ""
    value = "page" if match.url_name == url_name else "true"
    return format_html(' aria-current="{}"', value)


def _time(month):
    return format_html('<time datetime="{}">{}</time>', month.isoformat(), month)


@register.simple_tag
def duration(project):
    """The project's duration, "April 2023 bis März 2026", each month in a ``<time>``.

    The sentence is the one ``core.months.format_span`` translates, so the wording
    lives in one place.
    """
    sentence = conditional_escape(format_span(_START, _END if project.end else None))
    html = str(sentence).replace(_START, _time(project.start))
    if project.end:
        html = html.replace(_END, _time(project.end))
    # Safe: the sentence was escaped above and both months are built by format_html.
    return mark_safe(html)


@register.filter
def role_groups(roles):
    """A project's roles by kind, in the order the kinds first appear.

    Returns ``(kind, current, former)`` triples: the holders who hold the role now and
    those who held it before ("ehemals"), each in the roles' order. Unlike ``{% regroup %}``
    this keeps a kind together even when the roles are not sorted by it.
    """
    groups = {}
    for role in roles:
        _kind, current, former = groups.setdefault(role.kind_id, (role.kind, [], []))
        (former if role.is_former else current).append(role)
    return list(groups.values())


@register.simple_tag
def role_holder(role):
    """A role's holder as the project lists them, linked to their page when named.

    "Dipl.-Päd. Julia Alrutz, M.Sc." or "N.N.", then the affiliation as listed in
    parentheses: "Uta Voigt (ZEMI Berlin)". A tag rather than an included template, so
    that no line break slips in before the separator that follows.
    """
    if role.person_id is None:
        name = role.holder_name
    else:
        name = format_html('<a href="{}">{}</a>', role.person.get_absolute_url(), role.holder_name)
    if role.affiliation_as_listed:
        return format_html("{} ({})", name, marked(role, "affiliation_as_listed"))
    return conditional_escape(name)


def join_names(parts):
    """Names as the source lists them: "A; B und C".

    "; " between names, because names themselves contain commas ("Anna Vogel, M.A."),
    and "und" before the last. Each part is escaped unless it is already safe HTML.
    """
    parts = [conditional_escape(part) for part in parts]
    if len(parts) < 2:
        return mark_safe("".join(parts))
    conjunction = conditional_escape(_("und"))
    # Safe: every part was escaped above, and so is the translated "und".
    return mark_safe(f"{'; '.join(parts[:-1])} {conjunction} {parts[-1]}")


@register.filter
def names(items):
    """``{{ fundings|names }}``: each item's name (``{% tr item %}``), joined as listed."""
    return join_names(tr(item) for item in items)


@register.filter
def linked_names(items):
    """``{{ partners|linked_names }}``: each name linked to the item's page, joined."""
    return join_names(
        format_html('<a href="{}">{}</a>', item.get_absolute_url(), tr(item)) for item in items
    )


@register.filter
def role_holders(roles):
    """``{{ current|role_holders }}``: each role's holder (``role_holder``), joined."""
    return join_names(role_holder(role) for role in roles)


@register.filter
def with_grant_number(fundings):
    """``{{ project.fundings.all|with_grant_number }}``: the fundings whose number is known."""
    return [funding for funding in fundings if funding.grant_number]


@register.filter
def by_kind(fundings):
    """Fundings in runs of the same kind, as ``{% regroup %}`` makes them:
    ``(label, fundings)`` pairs, "Förderer" before "Auftraggeber" in Funding's order."""
    return [
        (group[0].get_kind_display(), group)
        for group in (list(run) for _kind, run in groupby(fundings, key=attrgetter("kind")))
    ]


@register.filter
def editor_line(text):
    """A line an editor wrote (the identity's address, footer): escaped, web and e-mail
    addresses linked, "[Platzhalter: …]" marked."""
    return render_line(text)
