"""Every page x every role -> expected status. Denials are tested as carefully as grants."""

import pytest
from django.urls import reverse

from lixiao.accounts.access import DeskScope
from lixiao.directory.models import Department, Membership, Staff

ROLES = [
    "admin",
    "office",
    "clerk",
    "other_clerk",
    "college",
    "advisor",
    "student",
    "other_student",
    "nobody",
    "anonymous",
]

# page -> {role: status}; anything not listed is 404 for a logged-in user, 302 (to login) for anonymous
EXPECTED = {
    "library_counter": {"admin": 200, "clerk": 200},
    "library_scan": {"admin": 200, "clerk": 200},
    "college_counter": {"college": 200},
    "advisor_counter": {"advisor": 200},
    "portal": {"student": 200, "other_student": 200},
    "overview": {"admin": 200, "office": 200},
    "export_csv": {"admin": 200, "office": 200},
    "office_index": {"admin": 302, "office": 302},  # one campaign: straight to it
    "office_campaign": {"admin": 200, "office": 200},
    "office_case": {"admin": 200, "office": 200},
    "office_case_status": {"admin": 302, "office": 302},
    "office_extend": {"admin": 302, "office": 302},
    "office_windows": {"admin": 302, "office": 302},
    "home": {role: 302 for role in ROLES if role not in {"nobody", "anonymous"}} | {"nobody": 403},
}


@pytest.fixture
def world(campaign, make_student, launch, make_user):
    adv = Staff.objects.create(staff_no="T7", name="导师甲")
    s1 = make_student(category="MD", college="化工学院", advisor=adv)
    s2 = make_student(category="MD", college="化工学院")
    launch(s1, s2)
    users = {
        "admin": make_user("admin", superuser=True),
        "office": make_user("office", department="m-yjsy", role=Membership.Role.OFFICE),
        "clerk": make_user("lib", department="m-tsg"),
        "other_clerk": make_user("fin", department="m-cwc"),
        "college": make_user("col", college="化工学院"),
        "advisor": make_user("T7"),
        "student": make_user(s1.student_no),
        "other_student": make_user(s2.student_no),
        "nobody": make_user("nobody"),
    }
    adv.user = users["advisor"]
    adv.save(update_fields=["user"])
    s1.user, s2.user = users["student"], users["other_student"]
    s1.save(update_fields=["user"])
    s2.save(update_fields=["user"])
    lib = DeskScope("department", Department.objects.get(code="m-tsg").pk, "").key
    college = DeskScope("college", s1.college_id, "").key
    advisor_desk = DeskScope("advisor", adv.pk, "").key
    pages = {
        "library_counter": ("get", reverse("desk:counter", kwargs={"scope": lib}), {}),
        "library_scan": ("post", reverse("desk:scan", kwargs={"scope": lib}), {"q": s1.student_no}),
        "college_counter": ("get", reverse("desk:counter", kwargs={"scope": college}), {}),
        "advisor_counter": ("get", reverse("desk:counter", kwargs={"scope": advisor_desk}), {}),
        "portal": ("get", reverse("portal:home"), {}),
        "overview": ("get", reverse("reports:overview"), {}),
        "export_csv": ("get", reverse("reports:export_tasks", kwargs={"fmt": "csv"}), {}),
        "home": ("get", reverse("home"), {}),
        "office_index": ("get", reverse("office:index"), {}),
        "office_campaign": ("get", reverse("office:campaign", kwargs={"code": "june-2026"}), {}),
        "office_case": ("get", reverse("office:case", kwargs={"case_id": s1.cases.get().pk}), {}),
        # no reason: refused with a message, nothing changes, whoever asks
        "office_case_status": (
            "post",
            reverse("office:case_status", kwargs={"case_id": s1.cases.get().pk}),
            {"status": "deferred", "reason": ""},
        ),
        "office_extend": ("post", reverse("office:extend", kwargs={"code": "june-2026"}), {"stage": "data"}),
        "office_windows": ("post", reverse("office:windows_generate", kwargs={"code": "june-2026"}), {"year": "x"}),
    }
    return users, pages


@pytest.mark.parametrize("page", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access(client, world, page, role):
    users, pages = world
    if role != "anonymous":
        client.force_login(users[role])
    method, url, data = pages[page]
    r = getattr(client, method)(url, data)
    expected = EXPECTED[page].get(role, 302 if role == "anonymous" else 404)
    assert r.status_code == expected, f"{role} {page}"
    if role == "anonymous":
        assert r["Location"].startswith(reverse("accounts:login"))
