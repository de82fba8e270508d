from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lixiao.desk.register import import_register
from lixiao.imports.common import ImportRefused


class Command(BaseCommand):
    help = (
        "Import a card register (学号, 姓名, 物理卡号UID_hex, 校园卡号(卡面), and optionally the forms its readers "
        "print, which are checked against the UID). The students must already be in the directory. All or "
        "nothing: any wrong row refuses the file, named by row. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args, file, dry_run, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            result = import_register(data=data, filename=Path(file).name, dry_run=dry_run)
        except ImportRefused as refused:
            raise CommandError(
                f"{len(refused.errors)} error(s); nothing was imported:\n" + "\n".join(map(str, refused.errors))
            ) from None
        counts = ", ".join(f"{key} {value}" for key, value in result.as_dict().items())
        if dry_run:
            self.stdout.write(f"{result.filename}: dry run, nothing was written: {counts}")
        else:
            self.stdout.write(self.style.SUCCESS(f"{result.filename}: imported: {counts}"))
