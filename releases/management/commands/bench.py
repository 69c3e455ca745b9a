"""`make bench`: performance figures of the RID (issue 4).

    manage.py bench [--release june-2021] [--runs 5] [--serves 200]

Measures, in one run on this machine (which is shared and noisy: read the ratio, not the
absolute numbers):
  1. rendering the June 2021 RID PDF from its stored version 8.0 content (WeasyPrint layout and
     PDF writing), median of --runs;
  2. building the live draft from the register and rendering its PDF, median of --runs;
  3. serving the stored version 8.0 PDF through Django (test client, full middleware stack,
     access check, one query for the row and one for the bytes), median of --serves;
  4. the same request with If-None-Match (304 Not Modified), median of --serves;
and prints the ratio render / serve. Needs the demo data (`manage.py load_demo`).
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings
from django.urls import reverse

from releases.models import Release
from releases.rid import render
from releases.rid.document import Rid, build_rid, rid_version_get, rid_versions


def _median_seconds(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _page_count(pdf_bytes):
    try:
        import io

        from pypdf import PdfReader
    except ImportError:  # a runtime-only install has no pypdf
        return "?"
    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)


def _ms(seconds):
    return f"{seconds * 1000:,.1f} ms"


class Command(BaseCommand):
    help = "Time rendering the June 2021 RID PDF against serving a stored version's PDF."

    def add_arguments(self, parser):
        parser.add_argument("--release", default="june-2021")
        parser.add_argument("--runs", type=int, default=5, help="PDF renders to time")
        parser.add_argument("--serves", type=int, default=200, help="requests to time")

    def handle(self, *args, release, runs, serves, **options):
        found = Release.objects.filter(slug=release).first()
        if found is None:
            raise CommandError(f"No release '{release}': run `manage.py load_demo` first.")
        versions = rid_versions(found)
        if not versions:
            raise CommandError(f"{found.name} has no issued RID version: run load_demo first.")
        latest = rid_version_get(found, versions[-1].number, with_content=True, with_pdf=True)
        rid = Rid.from_json(latest.content)
        stored_bytes = bytes(latest.pdf)

        render.render_rid_pdf(rid)  # warm-up: imports WeasyPrint, loads fonts
        rendering = _median_seconds(lambda: render.render_rid_pdf(rid), runs)
        draft = _median_seconds(lambda: render.render_rid_pdf(build_rid(found)), runs)

        url = reverse("releases:rid_version_pdf", args=[found.slug, latest.number])
        with override_settings(
            ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, PUBLIC_WHITE_RIDS=True
        ):
            client = Client()
            if not found.is_public:
                from django.contrib.auth import get_user_model

                from secrelease.roles import ANALYST_GROUP

                user = get_user_model().objects.filter(groups__name=ANALYST_GROUP).first()
                if user is None:
                    raise CommandError("No analyst to log in as: run load_demo first.")
                client.force_login(user)
            first = client.get(url)
            if first.status_code != 200 or first.content != stored_bytes:
                raise CommandError(f"Serving {url} failed: HTTP {first.status_code}.")
            etag = first["ETag"]
            serve = _median_seconds(lambda: client.get(url), serves)
            not_modified = _median_seconds(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag), serves)

        pages = _page_count(stored_bytes)
        rows = [
            (f"Render RID v{latest.number} PDF from stored content (median of {runs})", rendering),
            (f"Build live draft from the register + render PDF (median of {runs})", draft),
            (f"Serve stored v{latest.number} PDF, 200 (median of {serves})", serve),
            (f"Serve with If-None-Match, 304 (median of {serves})", not_modified),
        ]
        width = max(len(label) for label, _ in rows)
        self.stdout.write(f"RID benchmark: {found.name}, version {latest.number}")
        self.stdout.write(f"  stored PDF: {len(stored_bytes):,} bytes, {pages} pages")
        for label, seconds in rows:
            self.stdout.write(f"  {label:<{width}}  {_ms(seconds):>12}")
        self.stdout.write(
            f"  Ratio render / serve stored: {rendering / serve:,.0f}x "
            f"(render / 304: {rendering / not_modified:,.0f}x)"
        )
