"""Every certificate page x every role -> expected status. Denials are tested as carefully as grants."""

import pytest
from django.urls import reverse

from lixiao.certificates.clearance_form import form_token
from lixiao.certificates.services import ProxyAuthorisation, collect_certificates
from lixiao.directory.models import Department, Membership
from tests.certificates.conftest import IN_PERSON, clear_must_do, pdf_letter
from tests.conftest import case_of, task_of

ROLES = [
    "admin",
    "office",  # office manager of 教务处, which manages undergraduates
    "clerk",  # clerk of 教务处
    "other_office_clerk",  # clerk of 研究生院, another managing office
    "library_clerk",
    "college",
    "student",
    "other_student",
    "anonymous",
]
REGISTRAR = {"admin": 200, "office": 200, "clerk": 200}

# page -> {role: status}; anything not listed is 404 for a logged-in user, 302 (to login) for anonymous
EXPECTED = {
    "office_page": REGISTRAR,
    "collect": REGISTRAR,  # 200: the page again, refused (a must-do item is open)
    "letter": REGISTRAR,
    "form": REGISTRAR | {"student": 200},
    "verify": dict.fromkeys(ROLES, 200),
}


@pytest.fixture
def world(campaign, make_student, launch, make_user):
    s1 = make_student(category="UG", college="化工学院")
    s2 = make_student(category="UG", college="化工学院")
    launch(s1, s2)
    users = {
        "admin": make_user("admin", superuser=True),
        "office": make_user("office", department="m-jwc", role=Membership.Role.OFFICE),
        "clerk": make_user("jwc", department="m-jwc"),
        "other_office_clerk": make_user("yjs", department="m-yjsy"),
        "library_clerk": make_user("lib", department="m-tsg"),
        "college": make_user("col", college="化工学院"),
        "student": make_user(s1.student_no),
        "other_student": make_user(s2.student_no),
    }
    s1.user, s2.user = users["student"], users["other_student"]
    s1.save(update_fields=["user"])
    s2.save(update_fields=["user"])
    clear_must_do(s2)
    collected = collect_certificates(
        task=task_of(s2, "jwc-cert"),
        actor=users["clerk"],
        identity_checked=True,
        id_last4="5678",
        proxy=ProxyAuthorisation(name="李四", relation="母亲", id_no="210202196501015678", letter=pdf_letter()),
    ).collection
    jwc = Department.objects.get(code="m-jwc").pk
    pages = {
        "office_page": ("get", reverse("certificates:office", kwargs={"office_id": jwc}), {"q": s1.student_no}),
        "collect": (
            "post",
            reverse("certificates:collect", kwargs={"office_id": jwc, "task_id": task_of(s1, "jwc-cert").pk}),
            IN_PERSON,
        ),
        "letter": ("get", reverse("certificates:letter", kwargs={"collection_id": collected.pk}), {}),
        "form": ("get", reverse("certificates:form", kwargs={"case_id": case_of(s1).pk}), {}),
        "verify": (
            "get",
            reverse("verify_form", kwargs={"token": form_token(case_of(s1), issued_at=collected.collected_at)}),
            {},
        ),
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
    if r.streaming:
        b"".join(r.streaming_content)  # read to the end: the test client then closes the letter file
    expected = EXPECTED[page].get(role, 302 if role == "anonymous" else 404)
    assert r.status_code == expected, f"{role} {page}"
    if expected == 302:
        assert r["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", 200),  # several offices: a list to pick from
        ("clerk", 302),  # one office: straight there
        ("other_office_clerk", 302),
        ("library_clerk", 404),
        ("college", 404),
        ("student", 404),
        ("anonymous", 302),
    ],
)
def test_certificates_index(client, world, role, expected):
    users, _pages = world
    if role != "anonymous":
        client.force_login(users[role])
    r = client.get(reverse("certificates:index"))
    assert r.status_code == expected
    if role == "clerk":
        assert r["Location"] == reverse(
            "certificates:office", kwargs={"office_id": Department.objects.get(code="m-jwc").pk}
        )
    if role == "anonymous":
        assert r["Location"].startswith(reverse("accounts:login"))
