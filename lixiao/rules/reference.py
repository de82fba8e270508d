"""The seed's university as reference configuration: Tables 1 and 2 and an item catalogue, loaded idempotently."""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from lixiao.directory.models import Campus, CampusCategory, Category, Department
from lixiao.rules.formspec import check_spec
from lixiao.rules.models import Item, ItemScope

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


class ReferenceError(Exception):
    pass


def _data_lines(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def read_table1(path):
    """{campus name: {category code: served}} from Table 1."""
    return {row["campus"]: {k: v == "1" for k, v in row.items() if k != "campus"} for row in _data_lines(path)}


def read_table2(path):
    """[(campus name, department name, {column code: takes part})] from Table 2, in the table's order."""
    out = []
    for row in _data_lines(path):
        cols = {k: v == "1" for k, v in row.items() if k not in {"department_campus", "department"}}
        out.append((row["department_campus"], row["department"], cols))
    return out


def column_pairs(column):
    """'D_MS' -> ('D', 'MS'); 'M_INT_UG' -> ('M', 'INT_UG')."""
    campus, _, category = column.partition("_")
    return campus, category


@dataclass
class LoadResult:
    campuses: int
    categories: int
    departments: int
    items: int
    scopes: int


@transaction.atomic
def load_reference(seed_dir=None):
    seed_dir = Path(seed_dir) if seed_dir else REFERENCE_DIR
    catalogue = json.loads((REFERENCE_DIR / "catalogue.json").read_text(encoding="utf-8"))
    table1 = read_table1(seed_dir / "table1_campus_categories.csv")
    table2 = read_table2(seed_dir / "table2_departments_by_category.csv")

    campuses = {}
    for sort, c in enumerate(catalogue["campuses"]):
        campuses[c["code"]], _ = Campus.objects.update_or_create(
            code=c["code"], defaults={"name": c["name"], "sort": sort}
        )
    campus_by_name = {c.name: c for c in campuses.values()}

    departments = {}
    for sort, d in enumerate(catalogue["departments"]):
        departments[(d["campus"], d["name"])], _ = Department.objects.update_or_create(
            code=d["code"],
            defaults={
                "name": d["name"],
                "name_en": d.get("name_en", ""),
                "campus": campuses[d["campus"]],
                "kind": d.get("kind", Department.Kind.OFFICE),
                "place": d.get("place", ""),
                "phone": d.get("phone", ""),
                "sort": sort,
            },
        )

    categories = {}
    for sort, c in enumerate(catalogue["categories"]):
        office_campus, _, office_name = c["office"].partition(":")
        categories[c["code"]], _ = Category.objects.update_or_create(
            code=c["code"],
            defaults={
                "name": c["name"],
                "name_en": c.get("name_en", ""),
                "sort": sort,
                "office": departments[(office_campus, office_name)],
                "international": c.get("international", False),
            },
        )

    for campus_name, served in table1.items():
        if campus_name not in campus_by_name:
            raise ReferenceError(f"Table 1 names campus {campus_name!r}, which the catalogue does not define")
        for code, flag in served.items():
            CampusCategory.objects.update_or_create(
                campus=campus_by_name[campus_name], category=categories[code], defaults={"served": flag}
            )

    marked = {}
    for campus_name, dept_name, cols in table2:
        campus_code = campus_by_name[campus_name].code
        if (campus_code, dept_name) not in departments:
            raise ReferenceError(f"Table 2 row {campus_name} {dept_name} has no department in the catalogue")
        marked[(campus_code, dept_name)] = [col for col, on in cols.items() if on]

    items, scope_count = {}, 0
    for d in catalogue["departments"]:
        dept = departments[(d["campus"], d["name"])]
        dept_columns = marked.get((d["campus"], d["name"]), [])
        covered = set()
        for sort, spec in enumerate(d["items"]):
            try:
                check_spec(spec.get("form_fields", []))
            except ValueError as exc:
                raise ReferenceError(f"item {spec['code']}: {exc}") from exc
            item, _ = Item.objects.update_or_create(
                code=spec["code"],
                defaults={
                    "name": spec["name"],
                    "name_en": spec.get("name_en", ""),
                    "department": dept,
                    "handler": spec.get("handler", Item.Handler.DEPARTMENT),
                    "method": spec["method"],
                    "final": spec.get("final", False),
                    "place": spec.get("place", dept.place),
                    "hours": spec.get("hours", ""),
                    "instructions": spec.get("instructions", ""),
                    "instructions_en": spec.get("instructions_en", ""),
                    "form_fields": spec.get("form_fields", []),
                    "review_required": spec.get("review_required", False),
                    "sort": dept.sort * 10 + sort,
                },
            )
            items[spec["code"]] = (item, spec)
            columns = spec.get("columns", dept_columns)
            stray = set(columns) - set(dept_columns)
            if stray:
                raise ReferenceError(f"item {spec['code']} names columns {sorted(stray)} not marked in Table 2")
            covered |= set(columns)
            wanted = set()
            for col in columns:
                campus_code, cat_code = column_pairs(col)
                scope, _ = ItemScope.objects.update_or_create(
                    item=item,
                    campus=campuses[campus_code],
                    category=categories[cat_code],
                    defaults={"required": spec.get("required", True)},
                )
                wanted.add(scope.pk)
            ItemScope.objects.filter(item=item).exclude(pk__in=wanted).delete()
            scope_count += len(wanted)
        if covered != set(dept_columns):
            raise ReferenceError(
                f"{d['name']} ({d['campus']}): no item for columns {sorted(set(dept_columns) - covered)}"
            )
    for item, spec in items.values():
        item.prerequisites.set([items[code][0] for code in spec.get("prerequisites", [])])

    return LoadResult(len(campuses), len(categories), len(departments), len(items), scope_count)
