from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from orgs.views import home
from smartbranch.api import api

urlpatterns = [
    path("", home, name="home"),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("org/roster/", include("orgs.urls_roster")),
    path("org/", include("orgs.urls")),
    path("files/", include("archive.urls")),
    path("development/import/", include("development.urls_import")),
    path("development/", include("development.urls")),
    path("moderation/", include("moderation.urls")),
    path("development/dossiers/", include("development.urls_dossier")),
    path("orglife/", include("orglife.urls")),
    path("dues/", include("dues.urls")),
    path("publishing/", include("publishing.urls")),
    path("channels/", include("publishing.urls_public")),
    path("study/", include("learning.urls")),
    path("engagement/", include("engagement.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

if settings.BENCH_ENDPOINTS:
    urlpatterns += [path("bench/", include("core.bench_urls"))]
