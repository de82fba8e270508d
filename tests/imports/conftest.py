"""Fixtures for the import tests (the shared ones — reference, campaign, make_student — are in tests/conftest.py)."""

import pytest
from samplefiles import need_samples

from lixiao.directory.models import Campus, Category, College, Department, Membership, Student


@pytest.fixture
def samples():
    return need_samples()


@pytest.fixture
def users(campaign, django_user_model):
    """One user per role that matters to imports. No passwords (the tests log in with force_login), which
    keeps the slow password hasher out of every test."""

    def user(username, *, department=None, college=None, role=Membership.Role.CLERK, superuser=False):
        u = django_user_model.objects.create(username=username, is_superuser=superuser)
        if department:
            Membership.objects.create(user=u, department=Department.objects.get(code=department), role=role)
        if college:
            Membership.objects.create(user=u, college=college, role=role)
        return u

    student = user("2020990001")
    Student.objects.create(
        student_no="2020990001",
        name="学生甲",
        category=Category.objects.get(code="UG"),
        campus=Campus.objects.get(code="M"),
        user=student,
    )
    return {
        "admin": user("admin", superuser=True),
        "registrar": user("registrar", department="m-jwc", role=Membership.Role.OFFICE),
        "gradschool": user("gradschool", department="m-yjsy", role=Membership.Role.OFFICE),
        "librarian": user("librarian", department="m-tsg"),
        "finance": user("finance", department="m-cwc"),
        "leader": user("leader", department="m-jwc", role=Membership.Role.LEADER),
        "college": user("college", college=College.objects.create(code="测试学院", name="测试学院")),
        "student": student,
    }
