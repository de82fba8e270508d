"""Set up the June 2026 campaign on the sample files: rosters, department lists, launch, demo accounts."""

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lixiao.accounts.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from lixiao.clearance import cases, services, stages
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.models import Campaign, WindowRule
from lixiao.directory.models import Category
from lixiao.imports.lists import apply_list_import, preview_list
from lixiao.imports.rosters import apply_roster, preview_roster
from lixiao.rules.models import Item

ROSTERS = ["roster_undergraduate_2026.xlsx", "roster_graduate_2026.xlsx", "roster_international_2026.csv"]
LISTS = [
    ("library_overdue.xlsx", "tsg-books"),
    ("finance_arrears.csv", "cw-fees"),
    ("logistics_dorm_residents.xlsx", "hq-dorm"),
    ("logistics_dorm_residents.xlsx", "dhq-dorm"),
    ("party_members.csv", "zz-party"),
    ("league_members.csv", "tw-league"),
    ("security_collective_hukou.xlsx", "bw-hukou"),
    ("student_loans.csv", "xg-loan"),
]


class Command(BaseCommand):
    help = "Create the June 2026 campaign from the sample rosters and lists, launch it, and print demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--samples", default="../shared/samples", help="folder with the sample files")
        parser.add_argument("--code", default="june-2026")

    def handle(self, *args, samples, code, **options):
        folder = Path(samples)
        if not folder.is_dir():
            raise CommandError(f"sample folder {folder} not found")
        if not Item.objects.exists():
            raise CommandError("no items configured: run `manage.py load_reference` first")
        campaign, _ = Campaign.objects.get_or_create(
            code=code,
            defaults={
                "name": "2026年6月毕业生离校（本科、硕士、留学生）",
                "roster_from": datetime.date(2026, 5, 6),
                "data_from": datetime.date(2026, 5, 20),
                "launch_on": datetime.date(2026, 6, 10),
                "processing_from": datetime.date(2026, 6, 15),
                "departure_on": datetime.date(2026, 7, 3),
            },
        )
        campaign.categories.set(Category.objects.all())
        for name in ROSTERS:
            self._apply(
                folder / name,
                lambda data, fn: preview_roster(data=data, filename=fn, campaign=campaign),
                lambda p: apply_roster(preview=p, campaign=campaign, actor=None),
            )
        for name, item_code in LISTS:
            item = Item.objects.get(code=item_code)
            self._apply(
                folder / name,
                lambda data, fn, item=item: preview_list(data=data, filename=fn, campaign=campaign, item=item),
                lambda p, item=item: apply_list_import(preview=p, campaign=campaign, item=item, actor=None),
                label=item.name,
            )
        t0 = time.perf_counter()
        r = services.launch_campaign(campaign=campaign, actor=None, actor_label="make demo")
        self.stdout.write(
            f"launch: {r.cases} students, {r.tasks_created} tasks created in {time.perf_counter() - t0:.2f} s"
        )
        self._rolling()
        accounts = create_demo_accounts(campaign)
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for role, username, what in accounts:
            self.stdout.write(f"  {username:<22} {role} — {what}")

    def _rolling(self):
        """The PhD rolling campaign: students apply at any time, the college approves, the graduate school reviews,
        departments process in the first three working days of each month (windows for this year and the next,
        when its calendar is known)."""
        rolling, _ = Campaign.objects.get_or_create(
            code="phd-rolling",
            defaults={
                "name": "博士研究生滚动离校",
                "kind": Campaign.Kind.ROLLING,
                "window_rule": WindowRule.WORKDAYS,
                "window_workdays": 3,
            },
        )
        rolling.categories.set(Category.objects.filter(code__in=["PHD", "INT_PHD"]))
        year = stages.beijing_today().year
        for y in (year, year + 1):
            try:
                made = cases.windows_generate(campaign=rolling, year=y, actor=None, actor_label="make demo")
                self.stdout.write(f"{rolling.name}: {len(made)} processing windows for {y}")
            except ClearanceError as exc:
                self.stdout.write(f"{rolling.name}: {exc.message}")

    def _apply(self, path, preview, apply, label=""):
        if not path.exists():
            raise CommandError(f"{path} not found")
        p = preview(path.read_bytes(), path.name)
        if p.errors:
            for e in p.errors[:20]:
                self.stderr.write(str(e))
            raise CommandError(f"{path.name}: {len(p.errors)} errors, nothing applied")
        summary = apply(p)
        self.stdout.write(f"{path.name}{' -> ' + label if label else ''}: {summary}")
