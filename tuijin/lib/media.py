"""Uploaded files served by the embedded server, to signed-in users only.

Documents, site photos and evidence are internal: the public reads disclosed documents
through the open-data pages, never by a guessed /media/ path. Production puts nginx in front
with the same rule (an ``auth_request`` to the application or an ``internal`` location).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.views.static import serve


@login_required
def private_serve(request, path: str):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # A browser must never render an upload as a page of this site (an HTML file renamed .jpg).
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
