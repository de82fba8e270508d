"""Two clerks record the same collection at the same moment: one record, one audit event (PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from lixiao.certificates.models import Collection
from lixiao.certificates.services import collect_certificates
from lixiao.clearance.models import AuditEvent
from tests.certificates.conftest import clear_must_do
from tests.conftest import task_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="row locks need PostgreSQL"
    ),
]


def test_two_clerks_submit_at_once(ug, make_user):
    s, clerk = ug
    other = make_user("jwc-2", department="m-jwc")
    clear_must_do(s)
    task = task_of(s, "jwc-cert")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit(user):
        try:
            barrier.wait()
            results.append(collect_certificates(task=task, actor=user, identity_checked=True, id_last4="1234").changed)
        except Exception as exc:  # reported below, not hidden
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(u,)) for u in (clerk, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [False, True]
    assert Collection.objects.count() == 1
    assert AuditEvent.objects.filter(task=task, action="clear").count() == 1
