"""The site's URLs: every page lives under its language, /de/… and /en/…."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from clusterspace import composed, site_urls
from clusterspace import views as site_views
from people import urls as people_urls
from projects import urls as projects_urls

admin.site.site_header = _("Projektarchiv der Professur für Organisationstheorie")
admin.site.site_title = _("Projektarchiv – Redaktion")
admin.site.index_title = _("Inhalte bearbeiten")

# The pages that span apps (clusterspace.composed) join their apps' URL patterns under
# the apps' names: projects:list, projects:detail, people:detail.
projects_patterns = [
    *projects_urls.urlpatterns,
    path(_("projekte/"), composed.ProjectFilterView.as_view(), name="list"),
    path(_("projekte/<slug:slug>/"), composed.ProjectDetailView.as_view(), name="detail"),
]
people_patterns = [
    *people_urls.urlpatterns,
    path("<slug:slug>/", composed.PersonDetailView.as_view(), name="detail"),
]

urlpatterns = i18n_patterns(
    path("", include((projects_patterns, projects_urls.app_name))),
    path(_("personen/"), include((people_patterns, people_urls.app_name))),
    path(_("jahresberichte/"), include("reports.urls")),
    path("", include("clusterspace.site_urls")),
    path("", include("clusterspace.page_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
)

# Outside the language prefix: sitemap.xml and robots.txt for search engines.
urlpatterns += site_urls.root_urlpatterns

# Outside the language prefix: the proxy's health check and the uploaded pictures (with
# DJANGO_MEDIA_STORAGE=s3 the storage hands out its own URLs instead).
urlpatterns += [path("healthz", site_views.healthz, name="healthz")]

# The 500 page names the request's id (clusterspace.middleware.RequestIdMiddleware).
handler500 = "clusterspace.views.server_error"
if settings.MEDIA_STORAGE == "filesystem":
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", site_views.media, name="media"),
    ]
