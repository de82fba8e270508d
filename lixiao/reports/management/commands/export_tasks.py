from django.core.management.base import BaseCommand, CommandError

from lixiao.clearance.models import Campaign
from lixiao.reports import exports


class Command(BaseCommand):
    help = "Export a campaign's tasks, one row per task, as CSV or xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign code")
        parser.add_argument("--format", choices=["csv", "xlsx"], default=None, help="default: from the file name")
        parser.add_argument("--output", "-o", required=True, help="file to write ('-' for CSV on standard output)")

    def handle(self, *args, campaign, format, output, **options):
        try:
            campaign = Campaign.objects.get(code=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"no campaign with code {campaign!r}") from None
        fmt = format or ("xlsx" if output.endswith(".xlsx") else "csv")
        if fmt == "xlsx":
            if output == "-":
                raise CommandError("xlsx needs a file name")
            with open(output, "wb") as fh:
                fh.write(exports.xlsx_bytes(campaign))
        elif output == "-":
            for chunk in exports.csv_chunks(campaign):
                self.stdout.write(chunk, ending="")
        else:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                for chunk in exports.csv_chunks(campaign):
                    fh.write(chunk)
        if output != "-":
            self.stderr.write(f"wrote {output}")
