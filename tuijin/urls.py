from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for reference: language is a session choice)
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("tuijin.core.urls")),
    path("projects/", include("tuijin.projects.urls")),
]

if settings.DEBUG or not settings.DATABASE_URL_SET:
    # Embedded mode serves uploads itself; production lets nginx serve MEDIA_ROOT.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
