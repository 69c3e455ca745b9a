"""Export a Release Implementation Document.

    manage.py export_rid <release-slug> [--version N.M|draft] [--format pdf|html|json]
                         [--output PATH]

By default the latest issued version, as PDF, to <slug>-rid-v<N.M>.<format> in the current
directory; `--output -` writes to standard output. An issued version is exported from what was
stored when it was issued (its PDF bytes, its content JSON); `--version draft` builds the live
draft from the register now.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from releases.models import Release
from releases.rid import render
from releases.rid.document import Rid, build_rid, rid_version_get, rid_versions


class Command(BaseCommand):
    help = "Export a release's RID (an issued version or the live draft) as PDF, HTML or JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The release, e.g. june-2021")
        # Django's own --version (print Django's version) gives way to the RID version number.
        parser.conflict_handler = parser._optionals.conflict_handler = "resolve"
        parser.add_argument(
            "--version",
            default="",
            help="An issued version number such as 8.0, or 'draft' for the live draft. "
            "Default: the latest issued version.",
        )
        parser.add_argument("--format", choices=["pdf", "html", "json"], default="pdf")
        parser.add_argument(
            "--output", default="", help="File to write, or '-' for standard output."
        )

    def handle(self, *args, slug, version, format, output, **options):
        release = Release.objects.filter(slug=slug).first()
        if release is None:
            known = ", ".join(Release.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No release '{slug}'. Releases: {known}.")
        if version == "draft":
            number = ""
            rid = build_rid(release)
            payload = self._draft(rid, format)
        else:
            if not version:
                versions = rid_versions(release)
                if not versions:
                    raise CommandError(
                        f"{release.name} has no issued RID version yet; use --version draft for "
                        "the live draft."
                    )
                version = versions[-1].number
            stored = rid_version_get(release, version, with_content=True, with_pdf=True)
            if stored is None:
                numbers = ", ".join(v.number for v in rid_versions(release)) or "none"
                raise CommandError(
                    f"{release.name} has no RID version '{version}'. Issued versions: {numbers}."
                )
            number = stored.number
            payload = self._stored(stored, format)
        name = f"{release.slug}-rid-{'v' + number if number else 'draft'}.{format}"
        if output == "-":
            stream = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
            if stream is None or self.stdout._out is not sys.stdout:
                self.stdout.write(payload.decode("utf-8", "replace"), ending="")
            else:
                stream.write(payload)
                stream.flush()
            return
        path = Path(output or name)
        path.write_bytes(payload)
        self.stderr.write(f"Wrote {path} ({len(payload):,} bytes).")

    def _draft(self, rid, format):
        if format == "pdf":
            return render.render_rid_pdf(rid)
        if format == "html":
            return render.render_rid_standalone_html(rid).encode("utf-8")
        return rid.to_json_text().encode("utf-8")

    def _stored(self, stored, format):
        if format == "pdf":
            return bytes(stored.pdf)
        if format == "html":
            return render.render_rid_standalone_html(Rid.from_json(stored.content)).encode("utf-8")
        return json.dumps(stored.content, ensure_ascii=False, indent=1, sort_keys=True).encode(
            "utf-8"
        )
