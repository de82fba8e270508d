from django.core.management.base import BaseCommand, CommandError

from lixiao.rules.reference import ReferenceError, load_reference


class Command(BaseCommand):
    help = "Load the seed university's campuses, categories, departments and item catalogue (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", help="folder with table1/table2 CSVs (default: the copy shipped with Lixiao)")

    def handle(self, *args, seed=None, **options):
        try:
            r = load_reference(seed)
        except (ReferenceError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"reference loaded: {r.campuses} campuses, {r.categories} categories, {r.departments} departments, "
            f"{r.items} items, {r.scopes} item scopes"
        )
