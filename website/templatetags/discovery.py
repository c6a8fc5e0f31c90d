"""Template tags for being found: social meta, JSON-LD, the timeline, a capture tag.

Load with ``{% load discovery %}``.
"""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from pages.models import SiteIdentity
from website import structured_data
from website.timeline import HOME_WINDOW, decades, newest, timeline

register = template.Library()

OG_LOCALES = {"de": "de_DE", "en": "en_GB"}


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Safe: the nodelist's output is already escaped by the template engine.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: render once, use as ``{{ name }}`` often.

    Blocks inside keep working, so base.html can capture the title block for ``<title>``
    and for the social-media tags alike.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.inclusion_tag("includes/_social_meta.html", takes_context=True)
def social_meta(context, title, description):
    """OpenGraph and Twitter card tags: title, description, address, language."""
    request = context.get("request")
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "title": title,
        "description": description,
        "url": request.build_absolute_uri(request.path) if request is not None else "",
        "locale": OG_LOCALES.get(language, language),
        "alternate_locales": [
            OG_LOCALES.get(code, code) for code, _name in settings.LANGUAGES if code != language
        ],
        "identity": context.get("IDENTITY"),
    }


def _jsonld(context, build, *args):
    request = context.get("request")
    if request is None:
        return ""
    return structured_data.to_script(build(request, *args))


def _identity(context):
    """The page's identity (``website.context_processors``), read once per page."""
    identity = context.get("IDENTITY")
    return identity if identity is not None else SiteIdentity.current()


@register.simple_tag(takes_context=True)
def project_jsonld(context, project):
    """A ResearchProject; ``project`` as ``website.views.for_project_page`` loads it."""
    return _jsonld(context, structured_data.project, project, _identity(context))


@register.simple_tag(takes_context=True)
def person_jsonld(context, person):
    """A Person with honorific prefix and suffix and the roles shown on the page."""
    return _jsonld(context, structured_data.person_page, person, person.roles.all())


@register.simple_tag(takes_context=True)
def organisation_jsonld(context, organisation, fundings):
    return _jsonld(context, structured_data.organisation_page, organisation, fundings)


@register.simple_tag(takes_context=True)
def website_jsonld(context):
    """The site with its search, for the home page."""
    return _jsonld(context, structured_data.website, _identity(context))


@register.inclusion_tag("includes/_timeline.html")
def home_timeline():
    """The home page's timeline: the newest projects (``timeline.HOME_WINDOW``), and when
    there are more, links to the whole timeline by decade. Two queries."""
    projects, more = newest()
    # Asked also when not shown, so that the home page's queries do not depend on the
    # archive's size.
    all_decades = decades()
    return {**timeline(projects), "decades": all_decades if more else [], "window": HOME_WINDOW}
