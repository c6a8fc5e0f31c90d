"""Translated content with its language (``{% load i18n_tags %}``): where an English
field is empty and modeltranslation shows the German one, ``{% tr %}`` and
``{% lang_attr %}`` mark it ``lang="de"`` for screen readers (docs/pages.md).
"""

import functools

from django import template
from django.utils.html import conditional_escape, format_html
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

register = template.Library()


@functools.cache
def _translation_options(model):
    """``(translated field names, fallback languages)`` of a model, or None."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return None
    return frozenset(options.all_fields), getattr(options, "fallback_languages", None)


def _shown(obj, field):
    """``(value, language)`` of what ``obj.<field>`` shows now, or None if the field is
    not translated.

    The value is what modeltranslation's attribute returns; its language is the first in
    modeltranslation's order (the page's language, then its fallbacks) whose own column
    holds that value. None for a field empty in every language.
    """
    options = _translation_options(type(obj))
    if options is None or field not in options[0]:
        return None
    value = getattr(obj, field)
    if value is None or value == "":
        return value, None
    for language in resolution_order(get_language(), options[1]):
        if getattr(obj, build_localized_fieldname(field, language), None) == value:
            return value, language
    return value, None


def shown_language(obj, field):
    """The language of the value ``obj.<field>`` shows now, or None (not translated, or
    empty in every language)."""
    shown = _shown(obj, field)
    return shown[1] if shown else None


def foreign_language(obj, field):
    """The language ``obj.<field>`` falls back to, when it is not the page's; else ""."""
    language = shown_language(obj, field)
    return language if language and language != get_language() else ""


def marked(obj, field):
    """``obj.<field>`` escaped, in ``<span lang="…">`` when it falls back."""
    value, language = _shown(obj, field) or (getattr(obj, field), None)
    if value is None or value == "":
        return ""
    if language and language != get_language():
        return format_html('<span lang="{}">{}</span>', language, value)
    return conditional_escape(value)


def _with_short_name(obj, name_field, short_field):
    """Name (SHORT), as ``Organisation.__str__`` and ``Funding.display_name`` write it."""
    name = marked(obj, name_field)
    if getattr(obj, short_field):
        return format_html("{} ({})", name, marked(obj, short_field))
    return name


def _project_name(project):
    """P04: Title, as ``Project.__str__`` writes it."""
    title = marked(project, "title")
    return format_html("{}: {}", project.code, title) if project.code else title


# How each model's name is built from its translated fields: the same text as its
# __str__ (tests/website/test_i18n.py checks that), with the language marked part by part.
NAMES = {
    "projects.project": _project_name,
    "projects.organisation": lambda obj: _with_short_name(obj, "name", "short_name"),
    "projects.funding": lambda obj: _with_short_name(obj, "name_as_listed", "short_name_as_listed"),
    "projects.projectlink": lambda obj: marked(obj, "label"),
    "people.rolekind": lambda obj: marked(obj, "name"),
    "reports.reportseries": lambda obj: marked(obj, "title"),
    "reports.annualreport": lambda obj: format_html("{} {}", marked(obj.series, "title"), obj.year),
    "reports.interview": lambda obj: marked(obj, "title"),
}


@register.simple_tag
def tr(obj, field=None):
    """A translated field, or with no field the object's name, marked where it falls back."""
    if obj is None or obj == "":
        return ""
    if field is not None:
        return marked(obj, field)
    meta = getattr(obj, "_meta", None)
    build = NAMES.get(meta.label_lower) if meta is not None else None
    return build(obj) if build else conditional_escape(str(obj))


@register.simple_tag
def lang_attr(obj, field):
    """`` lang="de"`` for an element holding ``obj.<field>`` when it falls back; else ""."""
    language = foreign_language(obj, field) if obj is not None else ""
    return format_html(' lang="{}"', language) if language else ""
