"""tuijin deliver-webhooks: retry every webhook delivery whose backoff has elapsed."""

from django.core.management.base import BaseCommand

from tuijin.opendata.services.webhooks import deliver_due


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due (new ones left over and retries)."

    def handle(self, *args, **options):
        counts = deliver_due()
        self.stdout.write(
            f"delivered {counts['sent']}, to retry later {counts['retrying']}, given up {counts['failed']}"
        )
