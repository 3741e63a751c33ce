from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tuijin.lib.media import private_serve

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("tuijin.core.urls")),
    path("accounts/", include("tuijin.orgs.urls")),
    path("projects/", include("tuijin.projects.urls")),
    path("ledger/", include("tuijin.ledger.urls")),
    path("reporting/", include("tuijin.reporting.urls")),
    path("consultation/", include("tuijin.consultation.urls")),
    path("breakthroughs/", include("tuijin.breakthroughs.urls")),
    path("race/", include("tuijin.race.urls")),
    path("supervision/", include("tuijin.supervision.urls")),
    path("clusters/", include("tuijin.clusters.urls")),
    path("cockpit/", include("tuijin.cockpit.urls")),
    path("", include("tuijin.opendata.urls")),  # /api/v1/, /api/schema/, /api/docs/, /public/
]

if settings.DEBUG or not settings.DATABASE_URL_SET:
    # Embedded mode serves uploads itself; production lets nginx serve MEDIA_ROOT.
    # Uploads are internal: signed-in users only (tuijin.lib.media).
    urlpatterns += [path("media/<path:path>", private_serve)]
