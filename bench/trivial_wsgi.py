"""The WSGI application of Tuijin plus one trivial view, `/bench-trivial/` — the floor of the
throughput test in bench/run.py (the whole middleware stack, no query, a few bytes)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

application = get_wsgi_application()
settings.ROOT_URLCONF = __name__


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-trivial/", trivial), path("", include("tuijin.urls"))]
