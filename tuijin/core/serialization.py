"""Django's JSON serialisation with times kept to the microsecond, for backups.

Django's JSON encoder cuts a datetime to milliseconds. A backup restored from it gave back
slightly different times — and a time within the first millisecond of a second came back
written differently. Registered as the ``json-exact`` format (``SERIALIZATION_MODULES``);
its output is plain JSON that the ``json`` deserializer reads.
"""

from __future__ import annotations

import datetime as dt

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
