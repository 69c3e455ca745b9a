"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Every page visited is checked with axe (WCAG 2.0/2.1/2.2 A and AA) and screenshotted into
artifacts/screenshots/ so that a person can look at it.

Database: each browser test runs against the live server in a transactional test database that is
flushed afterwards. The rows the migrations create (the role groups, the SEC document catalogue)
are put back before each test. (Django's `serialized_rollback` cannot do it here: it keeps its copy
on the connection object, and under Playwright's sync API the test sees another connection object.)
The demo data is loaded from the JSON dump of what `load_demo` makes (tests/demo_dump.py: made
once for all test processes) with `loaddata` (~2 s) for every test that asks for it.

Browser: Debian's chromium-headless-shell (the "old headless" build of the same Chromium, which
Playwright itself uses for headless runs): it spends less CPU per page than the full browser run
headless (the browser tests took 150 s rather than 169 s on two cores), and it has no PDF viewer,
so a click on "Download PDF" is a Playwright download, as for a user whose browser downloads PDFs.
One browser per test process, a fresh context (cookies, storage) per test.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection

from tests import demo_dump

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Full-page screenshots of every page checked, to look at (`make test SCREENSHOTS=1`): off by
# default, as encoding them was half the CPU of the browser tests. A page axe fails on is always
# saved.
SAVE_SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
NOT_RESTORED = {"contenttypes.ContentType", "auth.Permission", "sessions.Session", "admin.LogEntry"}
# Words that start the name of a link or button that changes something.
EDIT_WORDS = re.compile(
    r"^\s*(Add|Edit|Remove|Move|Delete|Issue|Record|New|Create|Save|Lapse|Change)\b", re.I
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The browser tests' test databases are their own (test_<name>[_gwN]_browser), so that
    they can run while the rest of the suite runs on the same server."""
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    test = settings_dict.setdefault("TEST", {})
    test["NAME"] = f"{test.get('NAME') or 'test_' + settings_dict['NAME']}_browser"


@pytest.fixture(scope="session")
def _migration_rows(django_db_setup, django_db_blocker):
    """The rows in the fresh test database, i.e. those the migrations created, as JSON."""
    with django_db_blocker.unblock():
        objects = [
            obj
            for model in apps.get_models()
            if model._meta.label not in NOT_RESTORED
            for obj in model._default_manager.order_by("pk")
        ]
        return serializers.serialize("json", objects, use_natural_foreign_keys=True)


@pytest.fixture(autouse=True)
def _migration_rows_restored(transactional_db, _migration_rows):
    """Each browser test starts with the rows the migrations create (groups, SEC documents),
    which the flush after an earlier browser test took away."""
    models = set()
    for item in serializers.deserialize("json", _migration_rows):
        item.save()
        models.add(type(item.object))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium-headless-shell")
    if executable is None:
        pytest.fail(
            "Debian's chromium-headless-shell is not installed: run `make system-deps` as root."
        )
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
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        # Bootstrap turns its transitions off for reduced motion: axe never samples a colour
        # half-way through a hover transition (a flaky 3.4:1 on a Delete button under load).
        "reduced_motion": "reduce",
    }


@pytest.fixture
def demo(demo_dump_path, transactional_db):
    """The real demo data, as `load_demo` (`make run`) makes it, loaded from its JSON dump."""
    demo_dump.load(demo_dump_path)


class Visitor:
    """A person using the product in a browser: logs in, visits pages, checks each with axe."""

    def __init__(self, page, live_server, name):
        self.page = page
        self.base = live_server.url
        self.name = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
        self.axe = Axe()
        self.shots = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob(f"{self.name}-*.png"):
            old.unlink()

    def screenshot(self, slug):
        """Save a full-page screenshot of the current page under artifacts/screenshots/."""
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{self.name}-{self.shots:02d}-{slug[:60]}.png"), full_page=True
        )

    @property
    def path(self):
        """The current page's path and query, without the live server's address."""
        return self.page.url.replace(self.base, "")

    def login(self, username, password="demo"):
        self.page.goto(self.base + "/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_load_state()

    def logout(self):
        self._open_navigation()
        self._open_user_menu()
        self.page.get_by_role("button", name="Log out").click()
        self.page.wait_for_load_state()

    def _open_navigation(self):
        """On a narrow screen, open the collapsed main navigation."""
        toggler = self.page.get_by_role("button", name="Show navigation")
        if toggler.is_visible():
            toggler.click()
            self.page.locator("#nav-main.show").wait_for()

    def _open_user_menu(self):
        """Open the user's menu (Watching, Log out) in the navigation bar."""
        menu = self.page.locator("header details.user-menu")
        if menu.get_attribute("open") is None:
            menu.locator("summary").click()
        menu.locator("ul").wait_for()

    def goto(self, path, label=None):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state()
        return self.check(label)

    def click(self, locator, label=None):
        """Click a link or button that loads a page, then check the new page."""
        locator.click()
        self.page.wait_for_load_state()
        return self.check(label)

    def follow(self, name, label=None, exact=False, within="main"):
        """Click the link with this accessible name (in the main content by default)."""
        link = self.page.locator(within).get_by_role("link", name=name, exact=exact).first
        return self.click(link, label)

    def menu(self, name, label=None):
        """Follow a link of the main navigation or of the user's menu, opening them first (the
        navigation is collapsed on a narrow screen)."""
        self._open_navigation()
        in_user_menu = self.page.locator("header details.user-menu a").filter(
            has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")
        )
        if in_user_menu.count():
            self._open_user_menu()
        return self.follow(name, label, exact=True, within="header")

    def press(self, name, label=None, exact=False):
        """Press the button with this accessible name in the main content."""
        button = self.page.locator("main").get_by_role("button", name=name, exact=exact)
        return self.click(button, label)

    def download(self, locator):
        """Click a link that downloads a file; return its suggested name and bytes."""
        with self.page.expect_download() as info:
            locator.click()
        download = info.value
        return download.suggested_filename, Path(download.path()).read_bytes()

    def check(self, label=None):
        """Run axe on the current page (zero violations); save a full-page screenshot when
        SCREENSHOTS=1 or when axe finds a violation."""
        self.shots += 1
        slug = label or re.sub(r"[^A-Za-z0-9.]+", "_", self.path).strip("_") or "home"
        if SAVE_SCREENSHOTS:
            self.screenshot(slug)
        # Only the violations in full: axe skips the details of what passed (~25% of its time).
        results = self.axe.run(self.page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        if violations and not SAVE_SCREENSHOTS:
            self.screenshot(slug)
        assert not violations, f"axe on {self.page.url}:\n" + results.generate_report()
        return self.page

    def edit_controls(self):
        """Names of the links and buttons in the main content that would change something."""
        names = self.page.locator("main").get_by_role("link").all_inner_texts()
        names += self.page.locator("main").get_by_role("button").all_inner_texts()
        forms = self.page.locator("main form[method=post], main form[method=POST]").count()
        return [n.strip() for n in names if EDIT_WORDS.match(n)] + ["<post form>"] * forms


@pytest.fixture
def visitor(page, live_server, request):
    return Visitor(page, live_server, request.node.name)


def pdfinfo(data, tmp_path):
    """`pdfinfo` of PDF bytes as a dict (Title, Pages, Tagged...)."""
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in out.stdout.splitlines())
    )
