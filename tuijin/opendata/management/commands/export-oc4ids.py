"""tuijin export-oc4ids -o package.json: the OC4IDS project package of the disclosed projects."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from tuijin.opendata.oc4ids import stream_package
from tuijin.opendata.selectors import disclosed_projects


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
        # Written as it is built, one release per line: memory stays flat at any size.
        pieces = stream_package(base_url=base_url.rstrip("/"))
        if output == "-":
            for piece in pieces:
                sys.stdout.write(piece + "\n")
            return
        with open(output, "w", encoding="utf-8") as fh:
            for piece in pieces:
                fh.write(piece + "\n")
        self.stderr.write(f"{disclosed_projects().count()} projects written to {output}")
