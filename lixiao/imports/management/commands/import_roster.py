from collections import defaultdict
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from lixiao.clearance.models import Campaign
from lixiao.imports.common import ImportRefused
from lixiao.imports.management.output import refuse, write_preview, write_result
from lixiao.imports.models import ImportBatch
from lixiao.imports.rosters import apply_roster, preview_roster


def campaign_and_actor(code, username):
    try:
        campaign = Campaign.objects.get(code=code)
    except Campaign.DoesNotExist:
        raise CommandError(f"no campaign with code {code!r}") from None
    actor = None
    if username:
        try:
            actor = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
    return campaign, actor


def read_file(path):
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None


class Command(BaseCommand):
    help = (
        "Import roster files into a campaign. Every file is previewed first; they are applied together, "
        "in one transaction, only if none has errors. Importing a file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's code, e.g. june-2026")
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="preview only; write nothing")
        parser.add_argument("--user", help="the username recorded as having imported (default: system)")

    def handle(self, *args, campaign, files, dry_run, user, **options):
        campaign, actor = campaign_and_actor(campaign, user)
        loaded = []
        for path in files:
            data = read_file(path)
            # user=None: the command line imports every category, whoever --user records as the importer
            preview = preview_roster(data=data, filename=Path(path).name, campaign=campaign, user=None)
            write_preview(self, preview)
            loaded.append((data, preview))
        rows = defaultdict(list)
        for _data, preview in loaded:
            for record in preview.records:
                rows[record.student_no].append(f"{preview.filename}:{record.row}")
        for student_no, places in rows.items():
            if len({place.split(":")[0] for place in places}) > 1:
                self.stdout.write(f"warning: {student_no} is in several files ({', '.join(places)}); the last wins")
        errors = [issue for _data, preview in loaded for issue in preview.errors]
        if errors:
            refuse(errors)
        if dry_run:
            self.stdout.write("dry run: nothing was written")
            return
        try:
            with transaction.atomic():
                for data, preview in loaded:
                    result = apply_roster(preview=preview, campaign=campaign, actor=actor, actor_label="import_roster")
                    batch = ImportBatch.objects.create(
                        kind=ImportBatch.Kind.ROSTER,
                        campaign=campaign,
                        filename=preview.filename,
                        content=data,
                        status=ImportBatch.Status.APPLIED,
                        summary={"preview": preview.as_dict(), "applied": result},
                        created_by=actor,
                        applied_at=timezone.now(),
                    )
                    batch.categories.set(preview.categories)
                    write_result(self, preview.filename, result)
        except ImportRefused as refused:
            refuse(refused.errors)
