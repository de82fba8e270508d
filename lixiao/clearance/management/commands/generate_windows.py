from django.core.management.base import BaseCommand, CommandError

from lixiao.clearance import cases
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import Campaign


class Command(BaseCommand):
    help = "Create a rolling campaign's processing windows for a year from its rule or list (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign code")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, campaign, year, **options):
        try:
            campaign = Campaign.objects.get(code=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"no campaign with code {campaign!r}") from None
        try:
            made = cases.windows_generate(
                campaign=campaign, year=year, actor=None, actor_label="manage.py generate_windows"
            )
        except ClearanceError as exc:
            raise CommandError(exc.message) from None
        for w in made:
            self.stdout.write(str(w))
        self.stdout.write(f"{campaign.code}: {len(made)} windows created for {year}")
