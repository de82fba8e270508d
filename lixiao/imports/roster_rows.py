"""A roster file's rows: which columns mean what, how a row's category and campus follow from its columns, and
every check one row must pass. lixiao.imports.rosters compares the records with the database."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lixiao.directory.models import Campus, CampusCategory, Card, Category, College, Staff, Student
from lixiao.imports.common import Issue, cell_student_no, matches
from lixiao.lib.ids import normalize_card_no
from lixiao.lib.tabular import Table

# Canonical field -> the header labels that mean it (matched after normalising width, case and spaces).
ROSTER_FIELDS = {
    "student_no": ["学号", "Student No", "Student No.", "Student Number", "Student ID"],
    "name": ["姓名", "中文姓名", "学生姓名", "Name", "Chinese Name"],
    "name_latin": ["英文姓名", "外文姓名", "English Name", "Latin Name"],
    "gender": ["性别", "Gender", "Sex"],
    "college": ["学院", "学部", "学部(院)", "学院(学部)", "所在学院", "院系", "College", "School"],
    "major": ["专业", "专业名称", "Major"],
    "class_name": ["班级", "Class"],
    "campus": ["校区", "所在校区", "Campus"],
    "card": ["一卡通号", "校园卡号", "一卡通", "校园卡", "Card No", "Card Number"],
    "phone": ["手机号", "手机", "手机号码", "联系电话", "Phone", "Mobile"],
    "email": ["电子邮箱", "邮箱", "Email", "E-mail"],
    "advisor_no": ["导师工号", "导师编号", "Advisor No", "Supervisor No"],
    "advisor_name": ["导师姓名", "导师", "Advisor", "Supervisor"],
    "nationality": ["国籍", "Nationality", "Country"],
    "level": ["培养层次", "学历层次", "层次", "Level"],
    "certificate": ["证书类型", "Certificate"],
    "category": ["类别", "学生类别", "Category"],
    "serial": ["序号", "No."],
}

# Student text fields a roster may carry; a column absent from the file leaves the field as it is.
TEXT_FIELDS = ("name", "name_latin", "gender", "major", "class_name", "nationality", "phone", "email")

DEFAULT_CAMPUS = "M"  # 主校区: the campus of a roster without a 校区 column
UNDERGRADUATE = "UG"  # the category of a roster with no level and no category column (the registrar's)
LEVELS = {
    "本科": "UG",
    "学士": "UG",
    "bachelor": "UG",
    "undergraduate": "UG",
    "硕士": "MA",
    "硕士研究生": "MA",
    "master": "MA",
    "博士": "PHD",
    "博士研究生": "PHD",
    "doctor": "PHD",
    "doctorate": "PHD",
    "phd": "PHD",
}
INTERNATIONAL = {"UG": "INT_UG", "MA": "INT_MA", "PHD": "INT_PHD"}
CERTIFICATES = {"双证": "MD", "单证": "MS"}
DEFAULT_MASTER = "MD"  # most masters are dual-certificate; a file without 证书类型 is said to be read so


@dataclass
class RosterRecord:
    """One valid row, resolved. ``college``/``advisor_no`` are None when the file has no such column."""

    row: int
    student_no: str
    text: dict[str, str]
    category_id: int
    campus_id: int
    college: str | None
    advisor_no: str | None
    advisor_name: str
    card: str


class Reference:
    """Categories, campuses and what the campaign serves, loaded once per file. ``allowed`` holds the ids of the
    categories the importing user may import (None: all); ``touched`` collects the categories the rows give."""

    def __init__(self, campaign, allowed=None):
        self.categories = list(Category.objects.select_related("office"))
        self.category_by_id = {c.pk: c for c in self.categories}
        self.category_by_code = {c.code: c for c in self.categories}
        self.campaign_categories = set(campaign.categories.values_list("id", flat=True))
        self.campaign = campaign
        self.campuses = list(Campus.objects.all())
        self.campus_by_id = {c.pk: c for c in self.campuses}
        self.default_campus = next((c for c in self.campuses if c.code == DEFAULT_CAMPUS), None)
        self.served = set(CampusCategory.objects.filter(served=True).values_list("campus_id", "category_id"))
        self.allowed = allowed
        self.touched = set()

    def may_import(self, category):
        return self.allowed is None or category.pk in self.allowed

    def category(self, text):
        return next((c for c in self.categories if matches(text, c.name, c.code, c.name_en or c.name)), None)

    def campus(self, text):
        return next((c for c in self.campuses if matches(text, c.name, c.code)), None)


def _label(table: Table, name: str) -> str:
    return table.columns.get(name) or ROSTER_FIELDS[name][0]


def max_length(model, name):
    return model._meta.get_field(name).max_length


def _category(values, table, ref, international):
    """(Category, None) or (None, (field, message)) for one row."""
    columns = table.columns
    if "category" in columns and values.get("category"):
        category = ref.category(values["category"])
        level = LEVELS.get(values["category"].casefold())
        if category is None and level is not None:  # 类别 says only 本科/硕士/博士
            code = INTERNATIONAL[level] if international else DEFAULT_MASTER if level == "MA" else level
            category = ref.category_by_code.get(code)
        if category is None:
            names = "、".join(c.name for c in ref.categories)
            return None, (
                "category",
                _("Unknown student category “%(value)s”; use one of: %(names)s.")
                % {"value": values["category"], "names": names},
            )
        return category, None
    if "level" in columns:
        text = values.get("level", "")
        if not text:
            return None, ("level", _("The level (本科/硕士/博士) is missing."))
        level = LEVELS.get(text.casefold())
        if level is None:
            return None, ("level", _("Unknown level “%(value)s”; use 本科, 硕士 or 博士.") % {"value": text})
        if international:
            code = INTERNATIONAL[level]
        elif level == "MA" and "certificate" not in columns:
            code = DEFAULT_MASTER  # no 证书类型 column at all: said once for the file (_default_warnings)
        elif level == "MA":
            certificate = values.get("certificate", "")
            code = CERTIFICATES.get(certificate)
            if code is None:
                where = "certificate" if "certificate" in columns else "level"
                return None, (
                    where,
                    _("A master's student needs 证书类型 双证 or 单证 (found “%(value)s”).") % {"value": certificate},
                )
        else:
            code = level
    elif "category" in columns:
        return None, ("category", _("The student category is missing."))
    else:
        code = UNDERGRADUATE
    category = ref.category_by_code.get(code)
    if category is None:
        where = "level" if "level" in columns else "student_no"
        return None, (where, _("Student category %(code)s is not configured.") % {"code": code})
    return category, None


def _default_warnings(table: Table, ref: Reference) -> list[Issue]:
    """Say so when every row gets the default category or campus because the file has no column for it."""
    warnings = []
    columns = table.columns
    if table.rows and "category" not in columns and "level" not in columns:
        undergraduate = ref.category_by_code.get(UNDERGRADUATE)
        warnings.append(
            Issue(
                table.filename,
                table.header_row,
                "",
                _("No category column (培养层次/学历层次/类别): every row is taken as %(category)s.")
                % {"category": undergraduate.name if undergraduate else UNDERGRADUATE},
            )
        )
    international = "nationality" in columns or "name_latin" in columns
    if (
        table.rows
        and "certificate" not in columns
        and not international
        and any(
            LEVELS.get(row.values.get(field, "").casefold()) == "MA"
            for row in table.rows
            for field in ("level", "category")
        )
    ):
        master = ref.category_by_code.get(DEFAULT_MASTER)
        warnings.append(
            Issue(
                table.filename,
                table.header_row,
                "",
                _("No 证书类型 column: masters are taken as %(category)s.")
                % {"category": master.name if master else DEFAULT_MASTER},
            )
        )
    if table.rows and "campus" not in columns:
        warnings.append(
            Issue(
                table.filename,
                table.header_row,
                "",
                _("No 校区 column: every row is taken as %(campus)s.") % {"campus": ref.default_campus.name},
            )
        )
    return warnings


def read_records(table: Table, ref: Reference) -> tuple[list[RosterRecord], list[Issue], list[Issue]]:
    """Turn the rows into records; returns (records, errors, warnings): an error for every bad cell and a
    warning for doubtful ones."""
    all_errors, warnings = [], []
    filename = table.filename
    columns = table.columns
    international = "nationality" in columns or "name_latin" in columns
    if international and "level" not in columns and "category" not in columns:
        all_errors.append(
            Issue(
                filename,
                table.header_row,
                "",
                _("An international roster needs a 学历层次 column (本科/硕士/博士)."),
            )
        )
        return [], all_errors, warnings
    if ref.default_campus is None and "campus" not in columns:
        all_errors.append(
            Issue(
                filename,
                table.header_row,
                "",
                _("The file has no 校区 column and campus M is not configured."),
            )
        )
        return [], all_errors, warnings
    warnings.extend(_default_warnings(table, ref))
    records, seen, cards = [], {}, {}
    for row in table.rows:
        values = row.values
        errors = []

        def error(name, message, row=row, errors=errors):
            errors.append(Issue(filename, row.number, _label(table, name), message))

        for name, problem in row.problems:
            issue = Issue(filename, row.number, _label(table, name), _(problem))
            if name in {"student_no", "card"}:
                errors.append(issue)
            else:
                warnings.append(issue)
        student_no = cell_student_no(row, error)
        text = {}
        for name in TEXT_FIELDS:
            if name in columns:
                text[name] = values.get(name, "")
                limit = max_length(Student, name)
                if len(text[name]) > limit:
                    error(name, _("Longer than %(max)d characters.") % {"max": limit})
        campus = ref.default_campus
        if values.get("campus"):
            campus = ref.campus(values["campus"])
            if campus is None:
                names = "、".join(c.name for c in ref.campuses)
                error(
                    "campus",
                    _("Unknown campus “%(value)s”; use one of: %(names)s.")
                    % {"value": values["campus"], "names": names},
                )
        elif campus is None:
            error("campus", _("The campus is missing."))
        category, problem = _category(values, table, ref, international)
        if problem:
            error(*problem)
        where = "category" if "category" in columns else ("level" if "level" in columns else "student_no")
        if category:
            ref.touched.add(category.pk)
            if not ref.may_import(category):
                error(
                    where,
                    _("%(category)s students are managed by %(office)s; you may not import them.")
                    % {"category": category.name, "office": category.office.name},
                )
        if category and campus and ref.may_import(category):
            if category.pk not in ref.campaign_categories:
                error(
                    where,
                    _("%(category)s students are not part of campaign %(campaign)s.")
                    % {"category": category.name, "campaign": ref.campaign.name},
                )
            elif (campus.pk, category.pk) not in ref.served:
                error(
                    "campus" if "campus" in columns else where,
                    _("%(campus)s does not serve %(category)s students.")
                    % {"campus": campus.name, "category": category.name},
                )
        college = values.get("college", "") if "college" in columns else None
        if college and len(college) > max_length(College, "name"):
            error("college", _("Longer than %(max)d characters.") % {"max": max_length(College, "name")})
        advisor_no = values.get("advisor_no", "") if "advisor_no" in columns else None
        advisor_name = values.get("advisor_name", "")
        if advisor_no and len(advisor_no) > max_length(Staff, "staff_no"):
            error("advisor_no", _("Longer than %(max)d characters.") % {"max": max_length(Staff, "staff_no")})
        if advisor_no and len(advisor_name) > max_length(Staff, "name"):
            error("advisor_name", _("Longer than %(max)d characters.") % {"max": max_length(Staff, "name")})
        card = ""
        if values.get("card") and not any(name == "card" for name, _p in row.problems):
            card = normalize_card_no(values["card"])
            if len(card) > max_length(Card, "number"):
                error("card", _("Longer than %(max)d characters.") % {"max": max_length(Card, "number")})
            elif card in cards and student_no and cards[card][1] != student_no:
                error(
                    "card",
                    _("Card number %(card)s is also given to %(other)s on row %(row)d.")
                    % {"card": card, "other": cards[card][1], "row": cards[card][0]},
                )
            else:
                cards.setdefault(card, (row.number, student_no))
        if student_no and student_no in seen:
            first_row, first_values = seen[student_no]
            if first_values == values:
                warnings.append(
                    Issue(
                        filename,
                        row.number,
                        _label(table, "student_no"),
                        _("Student number %(no)s repeats row %(row)d; the repeat is ignored.")
                        % {"no": student_no, "row": first_row},
                    )
                )
                continue
            error(
                "student_no",
                _("Student number %(no)s is also on row %(row)d, with different details.")
                % {"no": student_no, "row": first_row},
            )
        if errors:
            all_errors.extend(errors)
            continue
        seen[student_no] = (row.number, values)
        records.append(
            RosterRecord(
                row=row.number,
                student_no=student_no,
                text=text,
                category_id=category.pk,
                campus_id=campus.pk,
                college=college,
                advisor_no=advisor_no,
                advisor_name=advisor_name,
                card=card,
            )
        )
    return records, all_errors, warnings
