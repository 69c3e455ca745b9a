"""Export an OPSG "SEC Releases update" paper as of a date, as HTML or a tagged PDF.

    manage.py export_update_paper --as-of 2020-05-26 [--release SLUG ...] [--year 2021 ...]
        [--paper OPSG_33_0206_15] [--format pdf|html] [--output PATH]

With --paper, the stored paper (its sections and free texts) is rendered as of --as-of (default:
its own date). Otherwise an ad-hoc paper is generated with the standard wording only, for the
releases named (default: every release not yet live on that date) and the years named.
"""

import dataclasses
import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from releases.models import UpdatePaper
from releases.paper.document import build_paper, paper_queryset, spec_for_releases, spec_from_paper
from releases.paper.render import paper_pdf_bytes, paper_print_html
from releases.policy import asof


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date written YYYY-MM-DD, not {text!r}.") from exc


class Command(BaseCommand):
    help = "Export an OPSG 'SEC Releases update' paper as of a date (HTML or tagged PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--release", dest="releases", action="append", default=[], metavar="SLUG"
        )
        parser.add_argument("--year", dest="years", action="append", default=[], type=int)
        parser.add_argument("--paper", help="Reference of a stored paper, e.g. OPSG_33_0206_15")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("--output", help="File to write (default: <reference>.<format>)")
        parser.add_argument("--author", default="", help="Author of an ad-hoc paper")

    def handle(self, *args, **options):
        as_of = _date(options["as_of"]) if options["as_of"] else None
        if options["paper"]:
            if options["releases"] or options["years"]:
                raise CommandError("Use --paper on its own, or --release/--year without it.")
            try:
                stored = paper_queryset().get(reference=options["paper"])
            except UpdatePaper.DoesNotExist as exc:
                raise CommandError(f"There is no paper {options['paper']}.") from exc
            spec = spec_from_paper(stored)
            if as_of:
                spec = dataclasses.replace(spec, as_of=as_of)
        else:
            as_of = as_of or datetime.date.today()
            releases = asof.releases_on(
                as_of, slugs=options["releases"] if options["releases"] else None
            )
            if options["releases"]:
                missing = set(options["releases"]) - {r.slug for r in releases}
                if missing:
                    raise CommandError(f"No release with slug {', '.join(sorted(missing))}.")
            else:
                releases = [r for r in releases if r.go_live_date >= as_of]
            spec = spec_for_releases(
                as_of=as_of, releases=releases, author=options["author"], years=options["years"]
            )
        paper = build_paper(spec)
        fmt = options["format"]
        output = options["output"] or f"{paper.reference}.{fmt}"
        if fmt == "pdf":
            data = paper_pdf_bytes(paper)
        else:
            data = paper_print_html(paper).encode()
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        with open(output, "wb") as handle:
            handle.write(data)
        self.stdout.write(
            f"{paper.reference} as of {paper.date_text}: {len(paper.sections)} section(s), "
            f"written to {output}"
        )
