"""The state of an external link, for ``includes/_external_link.html``.

Load with ``{% load link_tags %}``.
"""

from django import template

from linkchecks.checks import problem_links, wayback_url

register = template.Library()


@register.simple_tag(takes_context=True)
def link_problem(context, url):
    """None for a link that works (or was never checked); for a broken or unreachable one
    {"state", "checked_at", "last_ok" (or None), "archived": the Wayback address or ""}.

    The mapping is read once per request (remembered on it) from the cache.
    """
    if not url:
        return None
    request = context.get("request")
    problems = getattr(request, "link_problems", None)
    if problems is None:
        problems = problem_links()
        if request is not None:
            request.link_problems = problems
    found = problems.get(url)
    if found is None:
        return None
    state, checked_at, last_ok = found
    return {
        "state": state,
        "checked_at": checked_at,
        "last_ok": last_ok,
        "archived": wayback_url(url, last_ok) if last_ok else "",
    }
