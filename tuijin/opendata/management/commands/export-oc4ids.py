"""tuijin export-oc4ids -o package.json: the OC4IDS project package of the disclosed projects;
with --publish, the package /public/oc4ids.json serves, rebuilt now."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from tuijin.opendata.oc4ids import stream_package
from tuijin.opendata.selectors import disclosed_projects
from tuijin.opendata.services.package import package_publish


class Command(BaseCommand):
    help = "Write the OC4IDS 0.9.5 project package of every disclosed project (or, with --publish, rebuild the published one)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default="-", help="File to write; - for standard output.")
        parser.add_argument(
            "--base-url",
            default="",
            help="Public address of this installation, used in the package's URIs "
            "(default: TUIJIN_PUBLIC_URL, else http://127.0.0.1:8000).",
        )
        parser.add_argument(
            "--publish", action="store_true",
            help="Rebuild the package /public/oc4ids.json serves (as the nightly job does) instead of writing a file.",
        )

    def handle(self, *args, output, base_url, publish, **options):
        base_url = (base_url or settings.PUBLIC_URL or "http://127.0.0.1:8000").rstrip("/")
        if publish:
            package = package_publish(base_url=base_url)
            self.stdout.write(
                f"{package.projects} projects published at {base_url}/public/oc4ids.json "
                f"({package.size:,} bytes, {package.seconds} s)"
            )
            return
        # Written as it is built, one release per line: memory stays flat at any size.
        pieces = stream_package(base_url=base_url)
        if output == "-":
            for piece in pieces:
                sys.stdout.write(piece + "\n")
            return
        with open(output, "w", encoding="utf-8") as fh:
            for piece in pieces:
                fh.write(piece + "\n")
        self.stderr.write(f"{disclosed_projects().count()} projects written to {output}")
