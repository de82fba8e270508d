import time

from django.core.management.base import BaseCommand, CommandError

from lixiao.clearance import services
from lixiao.clearance.models import Campaign


class Command(BaseCommand):
    help = "Launch a campaign: create every case's missing tasks (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign code")

    def handle(self, *args, campaign, **options):
        try:
            campaign = Campaign.objects.get(code=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"no campaign with code {campaign!r}") from None
        t0 = time.perf_counter()
        r = services.launch_campaign(campaign=campaign, actor=None, actor_label="manage.py launch_campaign")
        self.stdout.write(
            f"launched {campaign.code}: {r.cases} cases, {r.tasks_created} tasks created "
            f"in {time.perf_counter() - t0:.2f} s"
        )
