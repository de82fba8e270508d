"""Print the SQL queries and time of the counter, student and overview pages on the current database.

Run after `make demo` (or against any database with a launched campaign):
    .venv/bin/python benchmarks/page_queries.py
It logs in as demo accounts through Django's test client; the counter read is a real scan (logged).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lixiao.settings")
os.environ["LIXIAO_SWIPE_DEBOUNCE_MS"] = "0"  # the same card is read again on purpose: measure, do not debounce

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from lixiao.accounts.access import desk_scopes  # noqa: E402
from lixiao.clearance.models import Case  # noqa: E402


def measure(client, method, url, data=None, repeat=5):
    getattr(client, method)(url, data or {})  # warm up
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        r = getattr(client, method)(url, data or {})
        elapsed = time.perf_counter() - t0
        queries = len(connection.queries) - ctx.initial_queries
    assert r.status_code == 200, (url, r.status_code)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        getattr(client, method)(url, data or {})
        times.append(time.perf_counter() - t0)
    return queries, min([elapsed, *times]) * 1000


def main():
    setup_test_environment()
    # Keep one connection for the whole run, as Django's own test runner does, so queries can be counted.
    connection.settings_dict["CONN_MAX_AGE"] = None
    User = get_user_model()
    students = Case.objects.count()
    rows = []
    c = Client()
    clerk = User.objects.get(username="clerk-m-tsg")
    c.force_login(clerk)
    desk = desk_scopes(clerk)[0].key
    card = Case.objects.select_related("student").first().student.cards.first().number
    rows.append(("counter page", *measure(c, "get", reverse("desk:counter", kwargs={"scope": desk}))))
    rows.append(("counter swipe", *measure(c, "post", reverse("desk:scan", kwargs={"scope": desk}), {"q": card})))
    student_user = User.objects.filter(student__isnull=False).first()
    c.force_login(student_user)
    rows.append(("student page", *measure(c, "get", reverse("portal:home"))))
    c.force_login(User.objects.get(username="admin"))
    rows.append(("overview (all categories)", *measure(c, "get", reverse("reports:overview"))))
    c.force_login(User.objects.get(username="office-m-yjsy"))
    rows.append(("overview (graduate school)", *measure(c, "get", reverse("reports:overview"))))
    june = Case.objects.select_related("campaign").filter(campaign__kind="batch").first()
    office_page = reverse("office:campaign", kwargs={"code": june.campaign.code})
    rows.append(("office campaign page + search", *measure(c, "get", office_page, {"q": "2026"})))
    rows.append(
        ("office rolling campaign page", *measure(c, "get", reverse("office:campaign", kwargs={"code": "phd-rolling"})))
    )
    phd = Case.objects.filter(campaign=june.campaign, category__code="PHD").first()
    rows.append(("office case page", *measure(c, "get", reverse("office:case", kwargs={"case_id": phd.pk}))))
    print(f"database: {connection.vendor}, students on the roster: {students}")
    print(f"{'page':<32}{'queries':>8}{'best ms':>10}")
    for name, queries, ms in rows:
        print(f"{name:<32}{queries:>8}{ms:>10.1f}")


if __name__ == "__main__":
    main()
