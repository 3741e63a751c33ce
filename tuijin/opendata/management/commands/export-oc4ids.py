"""tuijin export-oc4ids -o package.json: the OC4IDS project package of the disclosed projects."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from tuijin.opendata.oc4ids import build_package


class Command(BaseCommand):
    help = "Write the OC4IDS 0.9.5 project package of every disclosed project."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default="-", help="File to write; - for standard output.")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Public address of this installation, used in the package's URIs.",
        )

    def handle(self, *args, output, base_url, **options):
        package = build_package(base_url=base_url.rstrip("/"))
        text = json.dumps(package, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder)
        if output == "-":
            sys.stdout.write(text + "\n")
            return
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        self.stderr.write(f"{len(package['projects'])} projects written to {output}")
