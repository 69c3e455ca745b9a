"""Check every issued RID version against its recorded hashes: after a restore, a disk fault or
a suspicion of tampering.

    manage.py verify_versions

For each version: the SHA-256 of the stored PDF bytes equals `pdf_sha256` and the hash the
"rid.issued" Event recorded when it was issued; the PDF starts like a PDF; the stored JSON
content reads as a RID (Rid.from_json, upgrading older schemas). Prints one line per version and
exits 1 when anything does not match (0 when all are intact).
"""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from modifications.models import Event
from releases.models import RidVersion
from releases.rid.document import Rid


def version_problems(version, pdf_bytes, recorded_hashes):
    """What is wrong with one version (a list of sentences; empty when it is intact)."""
    problems = []
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    if digest != version.pdf_sha256:
        problems.append(f"PDF hash {digest[:12]}... is not the stored {version.pdf_sha256[:12]}...")
    for recorded in recorded_hashes:
        if recorded and recorded != version.pdf_sha256:
            problems.append(
                f"stored hash differs from the one recorded at issue ({recorded[:12]}...)"
            )
    if not pdf_bytes.startswith(b"%PDF-"):
        problems.append("the PDF bytes do not start with %PDF-")
    try:
        Rid.from_json(version.content)
    except Exception as exc:  # any failure to read the stored JSON is a finding
        problems.append(f"the JSON content does not read as a RID ({type(exc).__name__}: {exc})")
    return problems


class Command(BaseCommand):
    help = "Re-hash every issued RID version's PDF and read its JSON; exit 1 on any mismatch."

    def handle(self, *args, **options):
        issued = {}
        for event in Event.objects.filter(action="rid.issued").only("data"):
            pk = event.data.get("rid_version")
            if pk is not None:
                issued.setdefault(pk, []).append(event.data.get("pdf_sha256", ""))
        versions = RidVersion.objects.select_related("release").order_by(
            "release__go_live_date", "release__name", "major", "minor"
        )
        checked = bad = 0
        for version in versions.defer("pdf").iterator(chunk_size=20):
            pdf_bytes = bytes(
                RidVersion.objects.filter(pk=version.pk).values_list("pdf", flat=True).get()
            )
            problems = version_problems(version, pdf_bytes, issued.get(version.pk, []))
            checked += 1
            label = f"{version.release.slug} v{version.number}"
            if problems:
                bad += 1
                self.stdout.write(f"MISMATCH {label}: " + "; ".join(problems))
            else:
                self.stdout.write(
                    f"ok       {label}: PDF {len(pdf_bytes):,} bytes, sha256 "
                    f"{version.pdf_sha256[:12]}..., JSON schema {version.content.get('schema', 1)}"
                )
        if bad:
            raise CommandError(f"{bad} of {checked} RID versions do not match their hashes.")
        self.stdout.write(f"{checked} RID versions checked: all intact.")
