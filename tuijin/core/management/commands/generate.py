"""`tuijin generate --projects 100000 --years 5`: a synthetic province for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from tuijin.core.generate import generate


class Command(BaseCommand):
    help = "Write a reproducible synthetic province (projects, nodes, plans, reports …) in bulk. For benchmarks, not for production databases."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, projects: int, years: int, seed: int, **options):
        if projects < 1 or years < 1:
            raise CommandError("--projects and --years must be positive.")
        started = time.perf_counter()
        ctx = generate(projects=projects, years=years, seed=seed, progress=lambda m: self.stdout.write(f"  {m}"))
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Generated {ctx.counts} in {elapsed:.1f} s"))
