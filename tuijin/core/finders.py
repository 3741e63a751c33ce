"""Serves the few built files Tuijin uses from the npm packages in node_modules/.

npm packages carry sources, maps and many builds; collecting all of them would put hundreds
of megabytes into STATIC_ROOT. Only the files listed here are served, under ``vendor/``.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

#: static path → path inside node_modules
VENDOR_FILES = {
    "vendor/echarts/dist/echarts.min.js": "echarts/dist/echarts.min.js",
}


class NodeModulesFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.root = settings.REPO_DIR / "node_modules"
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = "vendor"

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        # Not found is [] (as Django's own finders answer): None would be taken for a match.
        source = VENDOR_FILES.get(path)
        if source is None:
            return []
        full = str(self.root / source)
        if not os.path.exists(full):
            return []
        return [full] if find_all else full

    def list(self, ignore_patterns):
        for target, source in VENDOR_FILES.items():
            if (self.root / source).exists():
                # collectstatic stores it under storage.prefix + path, i.e. the vendor/ name
                assert target == f"{self.storage.prefix}/{source}"
                yield source, self.storage
