"""Check every frozen document against its recorded hashes: after a restore, a disk fault or a
suspicion of tampering.

    manage.py verify_versions

Two kinds are checked: every issued RID version (releases.RidVersion) and every issued OPSG paper
(releases.IssuedPaper). For each: the SHA-256 of the stored PDF bytes equals the stored hash and
the hash its issue Event recorded ("rid.issued" / "paper.issued"); the PDF starts like a PDF; the
stored JSON content reads as its document (Rid.from_json, upgrading older schemas;
Paper.from_json). Prints one line per document and exits 1 when anything does not match (0 when
all are intact).
"""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from modifications.models import Event
from releases.models import IssuedPaper, RidVersion
from releases.paper.document import Paper
from releases.rid.document import Rid


def document_problems(pdf_bytes, stored_hash, recorded_hashes, content, reader, what):
    """What is wrong with one frozen document (a list of sentences; empty when it is intact).

    pdf_bytes: the stored PDF; stored_hash: its stored SHA-256 (64 hex digits);
    recorded_hashes: the hashes its issue Events recorded; content: the stored JSON (dict);
    reader: the document class whose from_json must read it; what: "a RID" / "an OPSG paper".
    """
    problems = []
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    if digest != stored_hash:
        problems.append(f"PDF hash {digest[:12]}... is not the stored {stored_hash[:12]}...")
    for recorded in recorded_hashes:
        if recorded and recorded != stored_hash:
            problems.append(
                f"stored hash differs from the one recorded at issue ({recorded[:12]}...)"
            )
    if not pdf_bytes.startswith(b"%PDF-"):
        problems.append("the PDF bytes do not start with %PDF-")
    try:
        reader.from_json(content)
    except Exception as exc:  # any failure to read the stored JSON is a finding
        problems.append(f"the JSON content does not read as {what} ({type(exc).__name__}: {exc})")
    return problems


def _recorded_hashes(action, key_of):
    """{document key: [pdf_sha256 recorded by each Event of this action]}."""
    recorded = {}
    for event in Event.objects.filter(action=action).only("data", "subject_id"):
        key = key_of(event)
        if key is not None:
            recorded.setdefault(key, []).append(event.data.get("pdf_sha256", ""))
    return recorded


class Command(BaseCommand):
    help = (
        "Re-hash every issued RID version's and OPSG paper's PDF and read its JSON; "
        "exit 1 on any mismatch."
    )

    def handle(self, *args, **options):
        failures = []
        failures += self._check(
            "RID versions",
            RidVersion.objects.select_related("release").order_by(
                "release__go_live_date", "release__name", "major", "minor"
            ),
            _recorded_hashes("rid.issued", lambda e: e.data.get("rid_version")),
            key_of=lambda v: v.pk,
            label_of=lambda v: f"{v.release.slug} v{v.number}",
            reader=Rid,
            what="a RID",
        )
        failures += self._check(
            "OPSG paper issues",
            IssuedPaper.objects.order_by("paper_id", "number"),
            _recorded_hashes(
                "paper.issued",
                lambda e: (e.subject_id, e.data.get("issue")),
            ),
            key_of=lambda p: (p.paper_id, p.number),
            label_of=lambda p: f"paper {p.reference} issue {p.number}",
            reader=Paper,
            what="an OPSG paper",
        )
        if failures:
            raise CommandError(" ".join(failures))

    def _check(self, plural, documents, recorded, *, key_of, label_of, reader, what):
        """Check one kind of document, one line each; returns [] or one sentence of failure."""
        model = documents.model
        checked = bad = 0
        for document in documents.defer("pdf").iterator(chunk_size=20):
            pdf_bytes = bytes(
                model.objects.filter(pk=document.pk).values_list("pdf", flat=True).get()
            )
            problems = document_problems(
                pdf_bytes,
                document.pdf_sha256,
                recorded.get(key_of(document), []),
                document.content,
                reader,
                what,
            )
            checked += 1
            if problems:
                bad += 1
                self.stdout.write(f"MISMATCH {label_of(document)}: " + "; ".join(problems))
            else:
                self.stdout.write(
                    f"ok       {label_of(document)}: PDF {len(pdf_bytes):,} bytes, sha256 "
                    f"{document.pdf_sha256[:12]}..., JSON schema "
                    f"{document.content.get('schema', 1)}"
                )
        if bad:
            return [f"{bad} of {checked} {plural} do not match their hashes."]
        self.stdout.write(f"{checked} {plural} checked: all intact.")
        return []
