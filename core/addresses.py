"""Addresses that never break: an entry's old slugs answer with a redirect to its current
address, one hop, with a cache lifetime a browser cannot loop on (docs/editing.md).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save, pre_save
from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .models import OldSlug

# URL name → (model, the URL keyword that carries its slug)
ADDRESSES = {}
# How long a browser or proxy may keep a redirect from an old address (seconds).
REDIRECT_MAX_AGE = 24 * 60 * 60


def track(model, *url_names, kwarg="slug"):
    """Keep ``model``'s old slugs and redirect its ``url_names`` from them."""
    for name in url_names:
        ADDRESSES[name] = (model, kwarg)
    uid = f"core.addresses.{model._meta.label_lower}"
    pre_save.connect(remember_old_slug, sender=model, dispatch_uid=uid)
    post_save.connect(claim_slug, sender=model, dispatch_uid=uid)


def remember_old_slug(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old and old != instance.slug:
        # Kept as the save commits; the entry's id is the target, so chains stay one hop.
        OldSlug.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(sender),
            slug=old,
            defaults={"object_id": str(instance.pk), "replaced_at": timezone.now()},
        )


def claim_slug(sender, instance, raw=False, **kwargs):
    """The entry's current slug is nobody's old address any more (its own included)."""
    if not raw:
        OldSlug.objects.for_model(sender).filter(slug=instance.slug).delete()


def old_address_owner(model, slug, exclude=None):
    """The entry that has ``slug`` as an old address, or ``None``."""
    old = OldSlug.objects.for_model(model).filter(slug=slug)
    if exclude is not None and exclude.pk is not None:
        old = old.exclude(object_id=str(exclude.pk))
    old = old.first()
    return model.objects.filter(pk=old.object_id).first() if old else None


def is_tracked(model):
    return any(tracked is model for tracked, _kwarg in ADDRESSES.values())


def is_public(obj):
    return getattr(obj, "published", True)


def redirect_for(request):
    """A permanent redirect from an old address to the current one, or ``None``."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name not in ADDRESSES:
        return None
    model, kwarg = ADDRESSES[match.view_name]
    slug = match.kwargs.get(kwarg)
    old = OldSlug.objects.for_model(model).filter(slug=slug).first() if slug else None
    obj = model.objects.filter(pk=old.object_id).first() if old else None
    if obj is None or not (is_public(obj) or request.user.is_staff):
        return None
    try:
        target = reverse(match.view_name, kwargs={**match.kwargs, kwarg: obj.slug})
    except NoReverseMatch:
        return None
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    # Public only for visitors: an editor's redirect to an unpublished entry stays private.
    visibility = {"public": True} if is_public(obj) else {"private": True}
    patch_cache_control(response, max_age=redirect_max_age(old), **visibility)
    return response


def redirect_max_age(old, now=None):
    """Seconds a redirect from ``old`` may be kept: its age, at most a day."""
    age = ((now or timezone.now()) - old.replaced_at).total_seconds()
    return max(0, min(REDIRECT_MAX_AGE, int(age)))


def middleware(get_response):
    """On a 404 for GET or HEAD, redirect from an old slug (like Django's redirects app)."""

    def respond(request):
        response = get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return redirect_for(request) or response
        return response

    return respond
