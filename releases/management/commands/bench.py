"""`make bench`: the performance figures, each next to its target (issue "Speed").

    manage.py bench [--runs 5] [--duration 3] [--only renders|pages] [--big-runs 3]

Needs the demo data (`manage.py load_demo`; `make bench` loads it). Adds, once, a generated
register to the same database (GENERATED modifications with their documents, former references,
activity and scope in generated releases, and BENCH_RELEASE with BENCH_SCOPE modifications in
scope), so use a database of its own: `make bench` uses DATABASE_URL, or the local PostgreSQL
database `secrelease_bench`.

Prints, in one run:

1. PDF renders, each in a fresh warm process (WeasyPrint imported and its fonts loaded by one
   render first): CPU seconds per render (median of --runs; --big-runs for the large RID), the
   process's peak RSS, and the ratio to serving the stored version 8.0 PDF through Django (the
   full middleware stack, median of SERVES requests).
2. Pages, served by gunicorn (gunicorn.conf.py, 2 sync workers, DEBUG off, on a free loopback
   port) and loaded by wrk (or, without wrk, a threaded Python client): requests per second,
   median of --runs runs of --duration seconds, each as a ratio to a trivial Django view
   (secrelease.bench_urls) measured in the same runs, interleaved, so that a machine busy with
   something else slows the reference as much as the pages.

The machine is shared and noisy: read the ratios, not the absolute numbers.
"""

import datetime
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from modifications.models import (
    Event,
    FormerReference,
    Modification,
    SECDocument,
    Status,
)
from modifications.models import (
    Path as ModPath,
)
from modifications.services import revision_bump
from releases.models import (
    AcceptanceCriterion,
    DccImpact,
    OtherCodeImpact,
    PartyImpact,
    Release,
    ScopeItem,
    ScopeState,
    SecasCostLine,
    TimelineEvent,
)
from releases.rid.services import rid_issue_version
from secrelease.roles import ANALYST_GROUP, PANEL_GROUP

DEMO_RELEASE = "june-2021"
DEMO_VERSION = "8.0"
BENCH_RELEASE = "bench-200"
BENCH_SCOPE = 200
BENCH_VERSION = "0.1"  # issued for BENCH_RELEASE when the data is generated
GENERATED = 10_000
GENERATED_RELEASES = 24
SERVES = 200
WORKERS = 2


# -- the generated register ---------------------------------------------------------------------

WORDS = (
    "DCC alert smart metering communications hub firmware DUIS GBCS SMKI certificate threshold "
    "supplier network operator tariff register reading prepayment outage settlement interface "
    "security assessment release schedule appendix code governance data privacy"
).split()
STATUS_WEIGHTS = [
    (Status.DEVELOPMENT, 20),
    (Status.REFINEMENT, 20),
    (Status.REPORT_PHASE, 10),
    (Status.CHANGE_BOARD, 5),
    (Status.WITH_AUTHORITY, 5),
    (Status.APPROVED, 10),
    (Status.IMPLEMENTED, 20),
    (Status.REJECTED, 5),
    (Status.WITHDRAWN, 5),
]
STATUS_CYCLE = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
PATHS = [ModPath.PATH_2, ModPath.PATH_3, ModPath.PATH_3, ModPath.FAST_TRACK]


def _words(n, count):
    return " ".join(WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(count))


def _generated_reference(i):
    """10,000 references: MP1000 ... MP9999 (every fifth a Draft Proposal), then MP1000A ...
    MP1999A (split parts)."""
    if i < 9000:
        number = 1000 + i
        prefix = "DP" if i % 5 == 0 else "MP"
        return f"{prefix}{number}", number, ""
    number = 1000 + (i - 9000)
    return f"MP{number}A", number, "A"


def ensure_bench_data(stdout):
    """Add the generated register and BENCH_RELEASE once (bulk inserts: a few seconds).
    Returns the BENCH_RELEASE release."""
    existing = Release.objects.filter(slug=BENCH_RELEASE).first()
    if existing is not None:
        return existing
    june = Release.objects.filter(slug=DEMO_RELEASE).first()
    if june is None or not june.rid_versions.exists():
        raise CommandError("No demo data: run `manage.py load_demo` first.")
    started = time.perf_counter()
    with transaction.atomic():
        release = _generate(june)
        actor = get_user_model().objects.filter(groups__name=ANALYST_GROUP).first()
        rid_issue_version(
            actor=actor,
            release=release,
            kind="draft",
            date=datetime.date(2030, 7, 1),
            changes="First draft presented to the Panel to be baselined",
            unreviewed_reason="Generated bench data: no second analyst to review it.",
        )
    revision_bump()  # the bulk inserts recorded no Event: pages cached before are not shown
    stdout.write(
        f"Bench data: {GENERATED:,} generated modifications, {GENERATED_RELEASES} generated "
        f"releases and {release.name} ({BENCH_SCOPE} in scope) added in "
        f"{time.perf_counter() - started:.1f} s."
    )
    return release


def _generate(june):
    actor = get_user_model().objects.filter(groups__name=ANALYST_GROUP).first()
    documents = list(SECDocument.objects.order_by("position"))
    now = timezone.now()
    mods = []
    for i in range(GENERATED):
        reference, number, suffix = _generated_reference(i)
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        system = i % 3 == 0
        mods.append(
            Modification(
                reference=reference,
                number=number,
                suffix=suffix,
                title=f"{_words(i, 6).capitalize()} ({i})",
                rid_summary=f"will amend SEC {_words(i + 1, 12)} so that the "
                f"{_words(i + 2, 5)} is clear.",
                path=PATHS[i % len(PATHS)],
                status=status,
                impacts_dcc_systems=system,
                duis_impact="yes" if system and i % 2 else "no",
                gbcs_impact="tbc" if system and i % 5 == 0 else "no",
                impacts_suppliers=i % 2 == 0,
                impacts_electricity_networks=i % 3 == 0,
                impacts_gas_networks=i % 4 == 0,
                impacts_other_sec_parties=i % 5 == 0,
                impacts_dcc=system,
                date_raised=datetime.date(2015, 1, 1) + datetime.timedelta(days=i % 3000),
                lead_analyst=f"Analyst {i % 12}",
                proposer=f"Party {i % 40}",
                created_at=now,
                updated_at=now,
            )
        )
    mods = Modification.objects.bulk_create(mods, batch_size=2000)
    through = Modification.sec_documents.through
    through.objects.bulk_create(
        [
            through(modification_id=m.pk, secdocument_id=documents[(i * 7 + k) % len(documents)].pk)
            for i, m in enumerate(mods)
            for k in range(1 + i % 3)
        ],
        batch_size=5000,
    )
    FormerReference.objects.bulk_create(
        [
            FormerReference(
                modification=m,
                reference=f"DP{m.number}",
                until=datetime.date(2019, 1, 1) + datetime.timedelta(days=i % 900),
            )
            for i, m in enumerate(mods)
            if i < 9000 and i % 5 == 1
        ],
        batch_size=2000,
    )
    modification_type = ContentType.objects.get_for_model(Modification)
    Event.objects.bulk_create(
        [
            Event(
                at=now,
                actor=actor,
                action="modification.created",
                summary=f"{m.reference} added to the register",
                reason="Generated for make bench",
                subject_type=modification_type,
                subject_id=m.pk,
                data={"reference": m.reference},
            )
            for m in mods
        ],
        batch_size=2000,
    )

    releases = []
    for n in range(GENERATED_RELEASES):
        year, month = 2025 + n // 3, (2, 6, 11)[n % 3]
        releases.append(
            Release(
                name=f"Generated release {n + 1} ({datetime.date(year, month, 1):%B %Y})",
                slug=f"generated-{n + 1}",
                go_live_date=datetime.date(year, month, 20),
            )
        )
    releases = Release.objects.bulk_create(releases)
    big = Release.objects.create(
        name="Bench SEC Release (200 modifications)",
        slug=BENCH_RELEASE,
        go_live_date=datetime.date(2031, 6, 26),
        classification=june.classification,
        system_baseline_date=datetime.date(2030, 6, 14),
        full_baseline_date=datetime.date(2030, 12, 13),
        sec_version="v99.0",
        pit_required=True,
        sit_required=True,
        uit_required=True,
        dcc_cost=Decimal("125000.00"),
        test_strategy_text=june.test_strategy_text,
        user_testing_text=june.user_testing_text,
        dcc_costs_text=june.dcc_costs_text,
        secas_costs_note=june.secas_costs_note,
    )
    _copy_parts(june, big)

    items = []
    for i, m in enumerate(mods[:BENCH_SCOPE]):
        items.append(
            ScopeItem(release=big, modification=m, added_on=datetime.date(2030, 1, 1 + i % 28))
        )
    for i, m in enumerate(mods[BENCH_SCOPE:], start=BENCH_SCOPE):
        if i % 10 >= 3:
            continue
        release = releases[i % GENERATED_RELEASES]
        added = release.go_live_date - datetime.timedelta(days=400)
        out = i % 20 == 0
        items.append(
            ScopeItem(
                release=release,
                modification=m,
                added_on=added,
                state=ScopeState.FELL_OUT if out else ScopeState.IN_SCOPE,
                removed_on=added + datetime.timedelta(days=100) if out else None,
                removal_reason="Missed its cut-off" if out else "",
            )
        )
    ScopeItem.objects.bulk_create(items, batch_size=2000)
    return big


def _copy_parts(source, target):
    """The June 2021 release's impacts, timeline, costs and criteria, for the big release."""
    for model in (PartyImpact, DccImpact, OtherCodeImpact, SecasCostLine, AcceptanceCriterion):
        rows = list(model.objects.filter(release=source))
        for row in rows:
            row.pk = None
            row.release = target
        model.objects.bulk_create(rows)
    shift = target.go_live_date - source.go_live_date
    rows = list(TimelineEvent.objects.filter(release=source))
    for row in rows:
        row.pk = None
        row.release = target
        row.date = row.date + shift
    TimelineEvent.objects.bulk_create(rows)
    target.change_requests.set(source.change_requests.all())


# -- PDF renders, each in a process of its own ----------------------------------------------------


def _demo_version():
    from releases.rid.document import rid_version_get

    release = Release.objects.get(slug=DEMO_RELEASE)
    version = rid_version_get(release, DEMO_VERSION, with_content=True, with_pdf=True)
    if version is None:
        raise CommandError(f"No RID version {DEMO_VERSION} of {release.name}: run load_demo.")
    return release, version


def _render_v8():
    from releases.rid import render
    from releases.rid.document import Rid

    _release, version = _demo_version()
    rid = Rid.from_json(version.content)
    return lambda: render.render_rid_pdf(rid)


def _render_paper():
    from fixtures.opsg_paper import REFERENCE
    from releases.paper.document import build_paper, paper_queryset, spec_from_paper
    from releases.paper.render import paper_pdf_bytes

    paper = paper_queryset().filter(reference=REFERENCE).first()
    if paper is None:
        raise CommandError(f"No OPSG paper {REFERENCE}: run load_demo.")
    return lambda: paper_pdf_bytes(build_paper(spec_from_paper(paper)))


def _render_big():
    from releases.rid import render
    from releases.rid.document import build_rid

    release = Release.objects.get(slug=BENCH_RELEASE)
    return lambda: render.render_rid_pdf(build_rid(release))


RENDERS = {"rid-v8": _render_v8, "paper": _render_paper, "rid-200": _render_big}


def _serve_stored_seconds():
    """Median CPU seconds to serve the stored v8.0 PDF through Django's full stack."""
    release, version = _demo_version()
    url = reverse("releases:rid_version_pdf", args=[release.slug, version.number])
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        client = Client()
        client.force_login(get_user_model().objects.filter(groups__name=PANEL_GROUP).first())
        first = client.get(url)
        if first.status_code != 200 or first.content != bytes(version.pdf):
            raise CommandError(f"Serving {url} failed: HTTP {first.status_code}.")
        times = []
        for _ in range(SERVES):
            start = time.process_time()
            client.get(url)
            times.append(time.process_time() - start)
    return statistics.median(times)


def _peak_rss_mb():
    """This process's peak resident set size. /proc/self/status VmHWM on Linux (getrusage's
    ru_maxrss keeps the parent's peak across fork and exec); ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def render_child(kind, runs):
    """In this (fresh) process: warm up, then time `runs` renders of `kind`. Returns a dict."""
    _render_v8()()  # warm: WeasyPrint imported, fonts loaded, templates compiled
    render = RENDERS[kind]()
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        render()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return {
        "kind": kind,
        "cpu": cpu,
        "wall": wall,
        "peak_rss_mb": _peak_rss_mb(),
        "serve": _serve_stored_seconds() if kind == "rid-v8" else None,
    }


def _run_render_child(kind, runs):
    command = [sys.executable, str(Path(settings.BASE_DIR, "manage.py")), "bench"]
    command += ["--render-child", kind, "--runs", str(runs)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"The {kind} render failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- pages under gunicorn -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    label: str
    url: str
    user: str  # "analyst", "panel" or "" (anonymous)
    target: float | None  # minimum ratio to the trivial view; None: shown, no target


def bench_pages(big):
    """What `make bench` loads, the trivial reference first."""
    june = DEMO_RELEASE
    return [
        Page(
            "Trivial view (reference)",
            reverse("bench_trivial", urlconf="secrelease.bench_urls"),
            "",
            None,
        ),
        Page(
            f"Issued RID v{DEMO_VERSION} page (public)",
            reverse("releases:rid_version", args=[june, DEMO_VERSION]),
            "",
            0.25,
        ),
        Page(
            f"Issued RID v{DEMO_VERSION} page (Panel member)",
            reverse("releases:rid_version", args=[june, DEMO_VERSION]),
            "panel",
            None,
        ),
        Page(
            "Release page, June 2021",
            reverse("releases:release_detail", args=[june]),
            "analyst",
            0.15,
        ),
        Page(
            f"Register list, {Modification.objects.count():,} modifications",
            reverse("modifications:modification_list"),
            "analyst",
            0.15,
        ),
        Page(
            "Live draft RID, June 2021", reverse("releases:rid_draft", args=[june]), "analyst", 0.10
        ),
        Page(
            f"Issued RID page, {BENCH_SCOPE} in scope",
            reverse("releases:rid_version", args=[big.slug, BENCH_VERSION]),
            "panel",
            None,
        ),
        Page(
            f"Release page, {BENCH_SCOPE} in scope",
            reverse("releases:release_detail", args=[big.slug]),
            "analyst",
            None,
        ),
        Page(
            "Register, DCC filter, page 40",
            reverse("modifications:modification_list") + "?dcc=yes&page=40",
            "analyst",
            None,
        ),
        Page(
            "Register search 'tariff'",
            reverse("modifications:modification_list") + "?q=tariff",
            "analyst",
            None,
        ),
        Page(
            "New modification form", reverse("modifications:modification_create"), "analyst", None
        ),
        Page("Add to scope form", reverse("releases:scope_add", args=[june]), "analyst", None),
        Page("Login page", reverse("login"), "", None),
        Page(
            f"Stored v{DEMO_VERSION} PDF",
            reverse("releases:rid_version_pdf", args=[june, DEMO_VERSION]),
            "panel",
            None,
        ),
    ]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(username):
    """The Cookie header of a browser logged in as `username`: its session and, as a browser
    sends back, its CSRF cookie."""
    if not username:
        return ""
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"


HEADERS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front says (settings.py)


def _get(url, cookie):
    request = urllib.request.Request(
        url, headers={**HEADERS, **({"Cookie": cookie} if cookie else {})}
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(request, timeout=60) as response:
        return response.status, response.read()


SERVER_APP_NAME = "secrelease-bench-server"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes():
    """(pid, parent pid) of every process (Linux /proc)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            yield int(entry.name), int(stat.rsplit(")", 1)[1].split()[1])


def _cpu_seconds(pid):
    """User + system CPU seconds of a process so far; 0 when it is not on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Server:
    """gunicorn with gunicorn.conf.py and WORKERS workers on a free loopback port."""

    def __init__(self, static_root):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "secrelease.bench_settings",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_LOGLEVEL": "warning",
            "STATIC_ROOT": str(static_root),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            # The workers' database sessions carry this name: their CPU is counted too.
            "PGAPPNAME": SERVER_APP_NAME,
        }
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        # Workers are recycled after max_requests in production; at a thousand requests a second
        # the restarts (Django imported again) would dominate what is measured: off here.
        command += ["--max-requests", "0", "secrelease.wsgi"]
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )

    def wait(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn stopped:\n{self.errors()}")
            try:
                if _get(self.base + "/healthz", "")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise CommandError(f"gunicorn did not answer /healthz within a minute:\n{self.errors()}")

    def cpu_seconds(self):
        """CPU time used so far by the gunicorn workers and, when PostgreSQL runs on this
        machine, by the database sessions they opened: what one request costs the machine,
        whatever else runs on it (the load generator excepted)."""
        pids = [pid for pid, ppid in _processes() if ppid == self.process.pid]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                    [SERVER_APP_NAME],
                )
                pids += [row[0] for row in cursor.fetchall()]
        return sum(_cpu_seconds(pid) for pid in pids)

    def errors(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _wrk(url, cookie, duration, connections):
    """Requests per second wrk measured, after waiting for the requests still in the workers:
    a slow page must not eat into the next page's run."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "60s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        raise CommandError(f"wrk saw failed requests on {url}:\n{output}")
    latency = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)\b", output)
    if latency:
        time.sleep(float(latency.group(1)) * UNITS[latency.group(2)])
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, int(re.search(r"(\d+) requests in", output).group(1))


# A page slower than this is timed by a few requests (_sequential_rate), not loaded by wrk.
SLOW = 0.5


def _sequential_rate(url, cookie, requests=2):
    """(Requests per second, requests) of WORKERS clients each making `requests` requests in
    turn."""
    start = time.perf_counter()
    threads = [
        threading.Thread(target=lambda: [_get(url, cookie) for _ in range(requests)])
        for _ in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return WORKERS * requests / (time.perf_counter() - start), WORKERS * requests


def _python_load(url, cookie, duration, connections):
    """Without wrk: `connections` threads requesting for `duration` seconds."""
    headers = {**HEADERS, **({"Cookie": cookie} if cookie else {})}
    stop = time.monotonic() + duration
    counts = [0] * connections

    def worker(n):
        while time.monotonic() < stop:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
                r.read()
            counts[n] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - start), sum(counts)


# -- the command ---------------------------------------------------------------------------------


def _median(values):
    return statistics.median(values) if values else float("nan")


def _verdict(ok):
    return "pass" if ok else "FAIL"


class Command(BaseCommand):
    help = "Performance figures: PDF renders and pages, each as a ratio to its reference."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="runs of each measure")
        parser.add_argument("--big-runs", type=int, default=3, help="renders of the large RID")
        parser.add_argument("--duration", type=int, default=3, help="seconds per page run")
        parser.add_argument("--connections", type=int, default=4, help="concurrent requests")
        parser.add_argument("--only", choices=["renders", "pages"], default="")
        parser.add_argument("--render-child", default="", help=argparse_hidden())

    def handle(self, *args, runs, big_runs, duration, connections, only, render_child, **options):
        if render_child:
            self.stdout.write(json.dumps(globals()["render_child"](render_child, runs)))
            return
        big = ensure_bench_data(self.stdout)
        database = connection.settings_dict
        self.stdout.write(
            f"make bench: {connection.vendor} database {database['NAME']}; "
            f"{Modification.objects.count():,} modifications; {os.cpu_count()} cores; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        if only != "pages":
            self._renders(runs, big_runs)
        if only != "renders":
            self._pages(big, runs, duration, connections)

    # -- renders --

    def _renders(self, runs, big_runs):
        self.stdout.write("")
        self.stdout.write(
            "PDF renders: CPU seconds per render in a warm process (median), peak RSS of that "
            "process, ratio to serving the stored PDF"
        )
        rows = [
            (f"RID v{DEMO_VERSION} from its stored content", "rid-v8", runs, 1.0, None),
            ("OPSG paper OPSG_33_0206_15 (demo)", "paper", runs, 1.0, None),
            (
                f"RID live draft, {BENCH_SCOPE} in scope (build + render)",
                "rid-200",
                big_runs,
                10.0,
                250,
            ),
        ]
        results = {kind: _run_render_child(kind, n) for _label, kind, n, _t, _m in rows}
        serve = results["rid-v8"]["serve"]
        self.stdout.write(
            f"  {'render':<48} {'CPU s':>7} {'wall s':>7} {'peak MB':>8} {'x serve':>8}  "
            f"{'target':<22} result"
        )
        for label, kind, n, cpu_target, rss_target in rows:
            r = results[kind]
            cpu, wall = _median(r["cpu"]), _median(r["wall"])
            ok = cpu <= cpu_target and (rss_target is None or r["peak_rss_mb"] <= rss_target)
            target = f"<= {cpu_target:g} s CPU" + (f", <= {rss_target} MB" if rss_target else "")
            self.stdout.write(
                f"  {label + f' (n={n})':<48} {cpu:>7.2f} {wall:>7.2f} {r['peak_rss_mb']:>8.0f} "
                f"{cpu / serve:>7,.0f}x  {target:<22} {_verdict(ok)}"
            )
        self.stdout.write(
            f"  reference: serving the stored v{DEMO_VERSION} PDF through Django, "
            f"{serve * 1000:.2f} ms CPU (median of {SERVES})"
        )

    # -- pages --

    def _pages(self, big, runs, duration, connections):
        load = _wrk if shutil.which("wrk") else _python_load
        tool = (
            f"wrk -t2 -c{connections}"
            if load is _wrk
            else f"a Python client ({connections} threads; install wrk for steadier figures)"
        )
        pages = bench_pages(big)
        cookies = {user: _session_cookie(user) for user in {p.user for p in pages}}
        with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
            from django.core.management import call_command

            with override_settings(STATIC_ROOT=static_root):
                call_command("collectstatic", interactive=False, verbosity=0)
            server = Server(static_root)
            try:
                server.wait()
                seconds, sizes = {}, {}
                for page in pages:  # every page answers 200 before anything is timed
                    url, cookie = server.base + page.url, cookies[page.user]
                    times = []
                    for _ in range(3):
                        start = time.perf_counter()
                        status, body = _get(url, cookie)
                        times.append(time.perf_counter() - start)
                        if status != 200:
                            raise CommandError(f"{page.url} answered {status}, not 200.")
                    seconds[page.label], sizes[page.label] = _median(times), len(body)
                    if seconds[page.label] < SLOW:
                        load(url, cookie, 1, connections)  # warm every worker
                rates = {page.label: [] for page in pages}
                cpu = {page.label: [] for page in pages}
                for _run in range(runs):
                    for page in pages:
                        url, cookie = server.base + page.url, cookies[page.user]
                        before = server.cpu_seconds()
                        if seconds[page.label] >= SLOW:
                            # Seconds per request: a few requests one after the other, as many
                            # at once as there are workers, instead of a load that would
                            # still be running when the next page is measured.
                            rate, requests = _sequential_rate(url, cookie)
                        else:
                            rate, requests = load(url, cookie, duration, connections)
                        rates[page.label].append(rate)
                        cpu[page.label].append((server.cpu_seconds() - before) / max(requests, 1))
            finally:
                server.stop()
            with override_settings(STATIC_ROOT=static_root):
                cold = _cold_costs(pages, cookies)
        self.stdout.write("")
        self.stdout.write(
            f"Pages: gunicorn (gunicorn.conf.py, {WORKERS} workers, DEBUG off), {tool}, "
            f"{runs} runs x {duration:g} s each, interleaved. req/s ratio: median over runs of "
            "page req/s / trivial req/s in the same run (the target). CPU ratio: the same with "
            "the CPU one request costs the workers and their database sessions (steadier on a "
            "busy machine, where waiting for the database penalises every query)."
        )
        self.stdout.write(
            f"  {'page':<40} {'req/s':>7} {'ratio':>6}  {'target':<6} {'result':<6} "
            f"{'CPU ms':>6} {'ratio':>6} {'KiB':>5}"
        )
        reference, reference_cpu = rates[pages[0].label], cpu[pages[0].label]
        for page in pages:
            values = rates[page.label]
            ratio = _median([v / t for v, t in zip(values, reference, strict=True) if t])
            cpu_ratio = _median(
                [t / v for v, t in zip(cpu[page.label], reference_cpu, strict=True) if v]
            )
            target = f">= {page.target:.0%}" if page.target else ""
            verdict = _verdict(ratio >= page.target) if page.target else ""
            self.stdout.write(
                f"  {page.label:<40} {_median(values):>7.1f} {ratio:>6.1%}  {target:<6} "
                f"{verdict:<6} {_median(cpu[page.label]) * 1000:>6.2f} {cpu_ratio:>6.1%} "
                f"{sizes[page.label] / 1024:>5.0f}"
            )

        self.stdout.write("")
        self.stdout.write(
            "Built from the data (the cache off: the first view after a change), in this process "
            "through Django's test client: CPU ms of this process per request (the database's "
            "excluded), ratio to the trivial view measured the same way, queries"
        )
        self.stdout.write(f"  {'page':<40} {'CPU ms':>7} {'ratio':>7} {'queries':>8}")
        for page in pages:
            seconds, queries = cold[page.label]
            self.stdout.write(
                f"  {page.label:<40} {seconds * 1000:>7.2f} "
                f"{cold[pages[0].label][0] / seconds:>7.1%} {queries:>8}"
            )


def _cold_costs(pages, cookies):
    """{url: (median CPU seconds per request, queries)} with the cache off."""

    from secrelease import caching

    results = {}
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(
        CACHES=dummy,
        ROOT_URLCONF="secrelease.bench_urls",
        ALLOWED_HOSTS=["testserver"],
        SECURE_SSL_REDIRECT=False,
    ):
        caching.forget_memo()
        for page in pages:
            client = Client()
            for part in filter(None, cookies[page.user].split("; ")):
                name, value = part.split("=", 1)
                client.cookies[name] = value
            reset_queries()  # as every request does: the capture counts from an empty log
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(page.url)
            # Counted now: captured_queries slices the connection's log, which the next
            # request empties (request_started -> reset_queries).
            queries = len(ctx.captured_queries)
            if response.status_code != 200:
                raise CommandError(f"{page.url} answered {response.status_code} in process.")
            start = time.process_time()
            client.get(page.url)
            once = max(time.process_time() - start, 1e-5)
            batch = max(1, min(50, int(0.3 / once)))
            times = []
            for _ in range(3):
                start = time.process_time()
                for _ in range(batch):
                    client.get(page.url)
                times.append((time.process_time() - start) / batch)
            results[page.label] = (_median(times), queries)
    return results


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
