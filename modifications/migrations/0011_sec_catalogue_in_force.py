"""Check the SEC document catalogue (domain.md 3.6) against published sources, code by code.

Migrations 0002 (titles from the RIDs and pages domain.md cites as S2, S6-S9, S14, S15) and 0005
(titles not checked) seeded the catalogue. For this migration each code was looked up in stored
copies of public pages; a row counts as confirmed only where a page names both its code and its
title. What was found, and where:

- Glossary of smartenergycodecompany.co.uk ("Means the SEC Subsidiary Document ... set out in
  Appendix X"), https://smartenergycodecompany.co.uk/glossary/<term>/ for these terms:
  organisation-certificate-policy (Appendix B),
  data-communications-company-gateway-connection-code-of-connection (Appendix G: "DCC Gateway
  Connection Code of Connection", which 0005 listed as a gap), ch-installation-and-maintenance-
  support-materials (I), smki-recovery-procedure (L), smart-meter-key-infrastructure-interface-
  design-specification (M), smart-meter-key-infrastructure-code-of-connection (N),
  iki-certificate-policy (Q), registration-data-interface-code-of-connection (Y),
  threshold-anomaly-detection-procedures (AA), self-service-interface-design-specification (AH),
  inventory-enrolment-and-withdrawal-procedures (AC, see below).
- https://smartenergycodecompany.co.uk/modifications/smki-full-extract/ (MP147): SEC Appendix O
  'SMKI Repository Interface Design Specification'.
- https://smartenergycodecompany.co.uk/latest-news/sec-version-5-14-designated/: new SEC Appendix
  AJ 'SEC Variation Testing Approach Document' (designated 22 February 2018).
- https://www.smartdcc.co.uk/consultations/clause-retention-beyond-smets1-tmad-expiry: "SEC
  Appendix AM SMETS1 Supporting Requirements" (red-lined v16.0); the SMETS1 TMAD "approaches its
  expiry date"; and Appendix AC, see below.
- https://smartenergycodecompany.co.uk/documents/sec-subsidiary-documents/sec-appendix-ad-dcc-user-
  interface-specification-duis/ and .../sec-appendix-ae-dcc-user-interface-code-of-connection/
  (Appendices AD, AE), as cited by the vocabulary file vocabulary/dcc-smart-vocabulary.yml of the
  public repository api-evangelist/dcc-smart; the pages themselves were not read.
- https://studylib.net/doc/18088085/sec-section-overview (a SECAS "SEC Section Overview"):
  Sections A 'Definitions and Interpretation', B 'Accession', C 'Governance', E 'Registration Data',
  F 'Smart Metering System Requirements'. It calls Section D 'Modification Processes'; the SECAS
  page https://smartenergycodecompany.co.uk/sos-variations/ calls it 'Modification Process', the
  title kept. That page also shows Sections L, T and X exist (not their titles).
- Section M exists: https://studylib.net/doc/18047119/section-a--definitions-and-interpretation-
  the-following (consolidated SEC text of January 2015, citing Section M8).
- Section N exists: https://smartenergycodecompany.co.uk/glossary/smets1-services/ (Section N2.2).
- Section O exists: https://1library.net/document/yr6x0vvy-section-development-history-relevant-
  documentation-consultation-consultation-content.html (development version of Section O, 2015).
- Section Z exists: https://smartenergycodecompany.co.uk/glossary/forum-sub-group/ ("this Section
  Z", Alt HAN Forum) and https://althanco.com/about-alt-han/ ("The Alternative Home Area Network
  (Alt HAN) arrangements are set out in Section Z of the Smart Energy Code").

Not confirmed, and left as it was (a note on each row says what is missing):
- Appendix AC: the glossary and the DCC's page text call it 'Inventory, Enrolment and Withdrawal
  Procedures'; the DCC's red-lined file of v8.1 is named 'Inventory Enrolment And Decommissioning
  Procedures'. The title 'Inventory, Enrolment and Decommissioning Procedures' is kept.
- Titles of Sections M, N, O, T, X and Z; Schedules 1, 2, 3, 5 and 6; Appendices H, P, AB, AI.
- Whether Appendix AL (SMETS1 TMAD) is still in force.
- No source was found for Schedule 4, nor for Appendices F, S to W, Z, AK, AN, AO or any later
  code, so none is added (no title is guessed); nor for Sections Q, R, S, U, V, W or Y, which
  may not exist. Analysts add them at /modifications/sec-documents/ once looked up.

Only rows still as the earlier migrations left them are changed: a note an analyst has since
edited is kept. Positions follow modifications.catalogue.position (copied, as in 0005).
Reversing removes Appendix G unless something cites it, and puts the earlier notes back.
"""

from django.db import migrations

OLD_CHECK = "Not checked against a source: confirm the code and title in the SEC in force."

NONE_FOUND = "Not confirmed: no source naming this code and title was found (migration 0011)."


def title_unconfirmed(where):
    return f"Code confirmed ({where}); the title is not confirmed against a source."


ADDED = [
    # kind, code, title
    ("appendix", "G", "DCC Gateway Connection Code of Connection"),
]

# kind, code -> (note the earlier migrations left, note now). "" means no note.
NOTES = {
    ("section", "M"): (
        "",
        title_unconfirmed("a 2015 consolidated SEC text on studylib.net cites Section M8"),
    ),
    ("section", "N"): ("", title_unconfirmed("SECAS glossary 'SMETS1 Services', Section N2.2")),
    ("section", "O"): (
        OLD_CHECK,
        title_unconfirmed("development version of Section O, 2015, on 1library.net"),
    ),
    ("section", "T"): ("", title_unconfirmed("SECAS page of Secretary of State variations")),
    ("section", "X"): ("", title_unconfirmed("SECAS page of Secretary of State variations")),
    ("section", "Z"): (
        OLD_CHECK,
        "Code confirmed (althanco.com: the Alt HAN arrangements are set out in Section Z); "
        "the title wording 'Alt HAN Arrangements' is not confirmed against a source.",
    ),
    ("schedule", "1"): ("", NONE_FOUND),
    ("schedule", "2"): ("", NONE_FOUND),
    ("schedule", "3"): (OLD_CHECK, NONE_FOUND),
    ("schedule", "5"): (OLD_CHECK, NONE_FOUND),
    ("schedule", "6"): (OLD_CHECK, NONE_FOUND),
    ("appendix", "H"): (OLD_CHECK, NONE_FOUND),
    ("appendix", "P"): ("", NONE_FOUND),
    ("appendix", "AA"): (OLD_CHECK, ""),
    ("appendix", "AB"): (
        "",
        "Not confirmed: the SECAS glossary names the Service Request Processing Document, "
        "but no source found gives its Appendix code (migration 0011).",
    ),
    ("appendix", "AC"): (
        "",
        "Title not confirmed: the SECAS glossary and a DCC consultation page say 'Inventory, "
        "Enrolment and Withdrawal Procedures'; the DCC's red-lined v8.1 file says 'Inventory "
        "Enrolment And Decommissioning Procedures'.",
    ),
    ("appendix", "AI"): ("", NONE_FOUND),
    ("appendix", "AL"): (
        "",
        "The DCC says the SMETS1 TMAD 'approaches its expiry date' (smartdcc.co.uk consultation "
        "on clause retention): check whether it is still in force and retire it if not.",
    ),
    ("appendix", "AM"): (OLD_CHECK, ""),
}

KIND_BASE = {"section": 0, "schedule": 10_000, "appendix": 20_000}


def position(kind, code):
    if kind == "schedule":
        rank = int(code)
    else:
        rank = 0
        for letter in code:
            rank = rank * 26 + (ord(letter) - ord("A") + 1)
    return KIND_BASE[kind] + rank * 10


def set_notes(SECDocument, pick):
    for (kind, code), notes in NOTES.items():
        before, after = pick(notes)
        SECDocument.objects.filter(kind=kind, code=code, note=before).update(note=after)


def check(apps, schema_editor):
    SECDocument = apps.get_model("modifications", "SECDocument")
    for kind, code, title in ADDED:
        SECDocument.objects.get_or_create(
            kind=kind, code=code, defaults={"title": title, "position": position(kind, code)}
        )
    set_notes(SECDocument, lambda notes: notes)
    for document in SECDocument.objects.all():
        document.position = position(document.kind, document.code)
        document.save(update_fields=["position"])


def uncheck(apps, schema_editor):
    SECDocument = apps.get_model("modifications", "SECDocument")
    ScopeItem = apps.get_model("releases", "ScopeItem")
    set_notes(SECDocument, lambda notes: (notes[1], notes[0]))
    for kind, code, _title in ADDED:
        document = SECDocument.objects.filter(kind=kind, code=code).first()
        if document is None or document.modifications.exists():
            continue
        if ScopeItem.sec_documents.through.objects.filter(secdocument=document).exists():
            continue
        document.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("modifications", "0010_field_history_plausible_dates"),
        ("releases", "0014_timeline_end_date"),
    ]

    operations = [migrations.RunPython(check, uncheck)]
