"""The site's URLs: every page lives under its language, /de/… and /en/…."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from clusterspace import views
from pages import urls as pages_urls
from people import urls as people_urls
from projects import urls as projects_urls
from website import urls as website_urls
from website import views as website

# The pages that span apps (website.views) join their apps' URL patterns under the
# apps' names: projects:list, projects:detail, people:detail, pages:barrierefreiheit.
projects_patterns = [
    *projects_urls.urlpatterns,
    path(_("projekte/"), website.ProjectFilterView.as_view(), name="list"),
    path(_("projekte/<slug:slug>/"), website.ProjectDetailView.as_view(), name="detail"),
]
people_patterns = [
    *people_urls.urlpatterns,
    path("<slug:slug>/", website.PersonDetailView.as_view(), name="detail"),
]
pages_patterns = [
    *pages_urls.urlpatterns,
    path(_("barrierefreiheit/"), website.StatementView.as_view(), name="barrierefreiheit"),
]

urlpatterns = i18n_patterns(
    path("", include((projects_patterns, projects_urls.app_name))),
    path(_("personen/"), include((people_patterns, people_urls.app_name))),
    path(_("jahresberichte/"), include("reports.urls")),
    path("", include("search.urls")),
    path("", include("opendata.urls")),
    path("", include("website.urls")),
    path("", include((pages_patterns, pages_urls.app_name))),
    path(settings.ADMIN_URL, admin.site.urls),
)

# Outside the language prefix: sitemap.xml and robots.txt for search engines.
urlpatterns += website_urls.root_urlpatterns

# Outside the language prefix: the proxy's health check and the uploaded pictures (with
# DJANGO_MEDIA_STORAGE=s3 the storage hands out its own URLs instead).
urlpatterns += [path("healthz", views.healthz, name="healthz")]

# The 500 page names the request's id (clusterspace.middleware.RequestIdMiddleware).
handler500 = "clusterspace.views.server_error"
if settings.MEDIA_STORAGE == "filesystem":
    urlpatterns += [
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media, name="media"),
    ]
