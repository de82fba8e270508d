"""Shared fixtures: the seed's reference configuration, a small campaign, and users in each role."""

import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from lixiao.clearance import services
from lixiao.clearance.models import Campaign, Case, Task
from lixiao.directory.models import Campus, Card, Category, College, Department, Membership, Staff, Student
from lixiao.rules.reference import load_reference

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples"
SEED = Path(settings.BASE_DIR).parent / "shared" / "seed"

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference(db):
    load_reference()


@pytest.fixture
def campaign(reference):
    c = Campaign.objects.create(code="june-2026", name="2026 June")
    c.categories.set(Category.objects.all())
    return c


@pytest.fixture
def make_student(reference):
    """make_student(category="UG", campus="M", college=..., advisor=..., card=...) -> Student."""

    def make(category="UG", campus="M", college="软件学院", advisor=None, card=None, name=None, student_no=None):
        n = next(_seq)
        college_obj, _ = College.objects.get_or_create(code=college, defaults={"name": college})
        s = Student.objects.create(
            student_no=student_no or f"2026{n:06d}",
            name=name or f"学生{n}",
            category=Category.objects.get(code=category),
            campus=Campus.objects.get(code=campus),
            college=college_obj,
            advisor=advisor,
        )
        Card.objects.create(number=card or f"{n:07d}", student=s)
        return s

    return make


@pytest.fixture
def launch(campaign):
    """launch(*students) puts the students on the campaign's roster and launches it."""

    def run(*students):
        services.enroll_students(campaign=campaign, students=list(students), actor=None)
        return services.launch_campaign(campaign=campaign, actor=None)

    return run


def task_of(student, item_code):
    return Task.objects.select_related("item").get(case__student=student, item__code=item_code)


def case_of(student):
    return Case.objects.get(student=student)


@pytest.fixture
def make_user(db):
    def make(username, *, department=None, college=None, role=Membership.Role.CLERK, superuser=False):
        user = get_user_model().objects.create_user(
            username=username, password="pw-12345678", is_superuser=superuser, is_staff=superuser
        )
        if department:
            Membership.objects.create(user=user, department=Department.objects.get(code=department), role=role)
        if college:
            Membership.objects.create(user=user, college=College.objects.get(code=college), role=role)
        return user

    return make


@pytest.fixture
def advisor(reference):
    return Staff.objects.create(staff_no="T00001", name="王导师")
