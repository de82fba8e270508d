from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from lixiao.imports.common import ImportRefused
from lixiao.imports.lists import MODES, apply_list_import, preview_list
from lixiao.imports.management.commands.import_roster import campaign_and_actor, read_file
from lixiao.imports.management.output import refuse, write_preview, write_result
from lixiao.imports.models import ImportBatch
from lixiao.rules.models import Item


class Command(BaseCommand):
    help = (
        "Import a department's black, white or scope list for one item of a campaign. The file is previewed "
        "and applied only if it has no errors; 'replace' releases students not in the file, 'append' does not."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="the campaign's code, e.g. june-2026")
        parser.add_argument("--item", required=True, help="the item's code, e.g. tsg-books")
        parser.add_argument("--mode", choices=MODES, default="replace")
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="preview only; write nothing")
        parser.add_argument("--user", help="the username recorded as having imported (default: system)")

    def handle(self, *args, campaign, item, mode, file, dry_run, user, **options):
        campaign, actor = campaign_and_actor(campaign, user)
        try:
            item = Item.objects.get(code=item)
        except Item.DoesNotExist:
            raise CommandError(f"no item with code {item!r}") from None
        data = read_file(file)
        preview = preview_list(data=data, filename=Path(file).name, campaign=campaign, item=item, mode=mode)
        write_preview(self, preview)
        if preview.errors:
            refuse(preview.errors)
        if dry_run:
            self.stdout.write("dry run: nothing was written")
            return
        try:
            with transaction.atomic():
                result = apply_list_import(
                    preview=preview, campaign=campaign, item=item, actor=actor, mode=mode, actor_label="import_list"
                )
                ImportBatch.objects.create(
                    kind=ImportBatch.Kind.LIST,
                    campaign=campaign,
                    item=item,
                    mode=mode,
                    filename=preview.filename,
                    content=data,
                    status=ImportBatch.Status.APPLIED,
                    summary={"preview": preview.as_dict(), "applied": result},
                    created_by=actor,
                    applied_at=timezone.now(),
                )
        except ImportRefused as refused:
            refuse(refused.errors)
        write_result(self, preview.filename, result)
