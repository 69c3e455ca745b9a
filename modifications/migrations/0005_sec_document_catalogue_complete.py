"""Complete the SEC document catalogue that 0002 seeded from domain.md 3.6 (partial), and give
every document its listing position from its code (modifications.catalogue.position, copied
here as migrations must not import code that may change).

Titles added here were not checked against a copy of the SEC in force while writing this
migration; those the author was least sure of carry a note asking an analyst to confirm them
(analysts edit the catalogue at /modifications/sec-documents/). Known gaps, left for analysts to
add once checked: Schedule 4, Appendices F, G, S to W, Z, AK, AN and AO.
"""

from django.db import migrations

CHECK = "Not checked against a source: confirm the code and title in the SEC in force."

ADDED = [
    # kind, code, title, note
    ("section", "N", "SMETS1 Meters", ""),
    ("section", "O", "Non-Gateway Communications", CHECK),
    ("section", "Z", "Alt HAN Arrangements", CHECK),
    ("schedule", "1", "Framework Agreement", ""),
    ("schedule", "2", "Specimen Accession Agreement", ""),
    ("schedule", "3", "Specimen Bilateral Agreement", CHECK),
    ("schedule", "5", "Accession Information", CHECK),
    ("schedule", "6", "Specimen Form of Letter of Credit", CHECK),
    ("appendix", "H", "CH Handover Support Materials", CHECK),
    ("appendix", "L", "SMKI Recovery Procedure", ""),
    ("appendix", "P", "SMKI Repository Code of Connection", ""),
    ("appendix", "AA", "Threshold Anomaly Detection Procedures", CHECK),
    ("appendix", "AB", "Service Request Processing Document", ""),
    ("appendix", "AI", "Self-Service Interface Code of Connection", ""),
    ("appendix", "AM", "SMETS1 Supporting Requirements", CHECK),
]

KIND_BASE = {"section": 0, "schedule": 10_000, "appendix": 20_000}


def position(kind, code):
    if kind == "schedule":
        rank = int(code)
    else:
        rank = 0
        for letter in code:
            rank = rank * 26 + (ord(letter) - ord("A") + 1)
    return KIND_BASE[kind] + rank * 10


def complete(apps, schema_editor):
    SECDocument = apps.get_model("modifications", "SECDocument")
    for kind, code, title, note in ADDED:
        SECDocument.objects.get_or_create(
            kind=kind,
            code=code,
            defaults={"title": title, "note": note, "position": position(kind, code)},
        )
    for document in SECDocument.objects.all():
        document.position = position(document.kind, document.code)
        document.save(update_fields=["position"])


def uncomplete(apps, schema_editor):
    SECDocument = apps.get_model("modifications", "SECDocument")
    for kind, code, _title, _note in ADDED:
        SECDocument.objects.filter(kind=kind, code=code, modifications__isnull=True).delete()
    rows = SECDocument.objects.order_by("position")
    for number, document in enumerate(rows, start=1):
        document.position = number * 10
        document.save(update_fields=["position"])


class Migration(migrations.Migration):
    dependencies = [("modifications", "0004_catalogue_retirement_and_decision_correction")]

    operations = [migrations.RunPython(complete, uncomplete)]
