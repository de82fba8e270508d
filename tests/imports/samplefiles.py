"""Where the sample files are, and small files built in tests (CSV text, xlsx workbooks)."""

import io
from pathlib import Path

import pytest
from django.conf import settings

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples"
ROSTERS = ("roster_undergraduate_2026.xlsx", "roster_graduate_2026.xlsx", "roster_international_2026.csv")


def need_samples():
    if not SAMPLES.is_dir():
        pytest.skip(f"the sample files are not there ({SAMPLES})")
    return SAMPLES


def csv_bytes(*lines, encoding="utf-8"):
    return ("\n".join(lines) + "\n").encode(encoding)


def upload(name, data):
    """An uploaded file as the test client posts it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def xlsx_bytes(rows):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_campaign(code, *category_codes):
    """A campaign for some categories only (the shared ``campaign`` fixture has them all)."""
    from lixiao.clearance.models import Campaign
    from lixiao.directory.models import Category

    campaign = Campaign.objects.create(code=code, name=code)
    campaign.categories.set(Category.objects.filter(code__in=category_codes))
    return campaign
