"""Debian's chromium (/usr/bin/chromium) driven by Playwright (pinned in pyproject). Both are optional: without
them the browser tests are skipped, saying why."""

import os
from pathlib import Path

import pytest

try:
    from playwright import sync_api
except ImportError:  # the browser tests are skipped, saying why
    sync_api = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 5_000


@pytest.fixture(scope="module")
def browser():
    if sync_api is None:
        pytest.skip("Playwright is not installed (pip install playwright==1.65.2)")
    if not CHROMIUM.exists() or not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    # Sync Playwright runs an event loop in this thread; the test's own ORM calls are still synchronous.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
