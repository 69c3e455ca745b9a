"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Every page visited is checked with axe (WCAG 2.0/2.1/2.2 A and AA) and screenshotted into
artifacts/screenshots/ so that a person can look at it.
"""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make system-deps` as root.")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def demo(transactional_db):
    """The real demo data, loaded through the services as `make run` does."""
    call_command("load_demo", verbosity=0)


class Visitor:
    """A person using the product in a browser: logs in, visits pages, checks each with axe."""

    def __init__(self, page, live_server, name):
        self.page = page
        self.base = live_server.url
        self.name = name
        self.axe = Axe()
        self.shots = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def login(self, username, password="demo"):
        self.page.goto(self.base + "/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_load_state()

    def goto(self, path):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state()
        return self.check()

    def check(self, label=None):
        """Run axe on the current page (zero violations) and save a full-page screenshot."""
        self.shots += 1
        slug = label or self.page.url.replace(self.base, "").strip("/").replace("/", "_") or "home"
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{self.name}-{self.shots:02d}-{slug[:60]}.png"), full_page=True
        )
        results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = results.response["violations"]
        assert not violations, f"axe on {self.page.url}:\n" + results.generate_report()
        return self.page


@pytest.fixture
def visitor(page, live_server, request):
    return Visitor(page, live_server, request.node.name)
