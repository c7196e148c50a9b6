"""Fixtures for the browser tests: one JupyterLab server per test process, Debian's chromium.

* ``lab`` (session): JupyterLab on 127.0.0.1, a free port, a fixed random token, temporary
  HOME / JUPYTER_* / IPYTHONDIR / MPLCONFIGDIR, autosave off, root folder = a temporary COPY
  of ``notebooks/`` (the tests can never write into the repository). Under pytest-xdist each
  worker that needs it starts its own server on its own port. Stopped by PID at the end.
* ``chromium`` (module): Debian's chromium through Playwright (``executable_path``), never
  ``playwright install``.
* ``lab_context`` / ``lab_page``: one browser context and one JupyterLab page per test file
  (each test opens its notebook in the running app); requests to any host other than
  127.0.0.1 are aborted and recorded in ``lab_page.blocked``.

Without chromium the tests skip with a message saying how to enable them, unless the ``CI``
environment variable is set: then they fail (CI installs chromium and must run them).
"""
from __future__ import annotations

import os

import labdriver as ld
import pytest

SCREENSHOTS = ld.REPO / "tests" / "browser" / "screenshots"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (the CI variable is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = ld.find_chromium()
    if path is None:
        _unavailable(ld.MISSING_CHROMIUM)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("install the browser-test tools (.venv/bin/pip install -r requirements-browser.txt, "
                     "or `make test`) to run the browser tests")
    return path


@pytest.fixture(scope="session")
def lab(chromium_path, tmp_path_factory):
    server = ld.LabServer.start(tmp_path_factory.mktemp("jupyterlab"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = ld.launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab_context(chromium):
    """One browser context per test file: requests to other hosts are aborted and recorded."""
    blocked: list[str] = []
    context = ld.new_context(chromium, blocked)
    context.blocked_urls = blocked
    yield context
    context.close()


@pytest.fixture(scope="module")
def _module_page(lab_context):
    """One JupyterLab page per test file: each test opens its notebook in the running app
    (``labdriver.open_notebook`` closes the previous one without saving)."""
    page = lab_context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    page.console_errors = page_errors
    page.blocked = lab_context.blocked_urls
    yield page
    page.close()


@pytest.fixture
def lab_page(_module_page, lab):
    _module_page.blocked.clear()
    _module_page.console_errors.clear()
    yield _module_page


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
