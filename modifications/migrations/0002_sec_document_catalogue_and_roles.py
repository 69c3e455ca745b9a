"""Seed the SEC document catalogue (domain.md 3.6) and the two role groups."""

from django.db import migrations

SECTIONS = [
    ("A", "Definitions and Interpretation"),
    ("B", "Accession"),
    ("C", "Governance"),
    ("D", "Modification Process"),
    ("E", "Registration Data"),
    ("F", "Smart Metering System Requirements"),
    ("G", "Security"),
    ("H", "DCC Services"),
    ("I", "Data Privacy"),
    ("J", "Charges"),
    ("K", "Charging Methodology"),
    ("L", "Smart Metering Key Infrastructure and DCC Key Infrastructure"),
    ("M", "General"),
    ("P", "Production Proving"),
    ("T", "Testing During Transition"),
    ("X", "Transition"),
]
SCHEDULES = [
    ("7", "Specimen Enabling Services Agreement"),
    ("8", "GB Companion Specification"),
    ("9", "Smart Metering Equipment Technical Specifications"),
    ("10", "Communications Hub Technical Specifications"),
    ("11", "TS Applicability Tables"),
]
APPENDICES = [
    ("A", "Device Certificate Policy"),
    ("B", "Organisation Certificate Policy"),
    ("C", "SMKI Compliance Policy"),
    ("D", "SMKI Registration Authority Policies and Procedures"),
    ("E", "DCC User Interface Services Schedule"),
    ("I", "CH Installation and Maintenance Support Materials"),
    ("J", "Enduring Testing Approach Document"),
    ("K", "SMKI and Repository Test Scenarios Document"),
    ("M", "SMKI Interface Design Specification"),
    ("N", "SMKI Code of Connection"),
    ("O", "SMKI Repository Interface Design Specification"),
    ("Q", "IKI Certificate Policy"),
    ("R", "Common Test Scenarios Document"),
    ("X", "Registration Data Interface Specification"),
    ("Y", "Registration Data Interface Code of Connection"),
    ("AC", "Inventory, Enrolment and Decommissioning Procedures"),
    ("AD", "DCC User Interface Specification"),
    ("AE", "DCC User Interface Code of Connection"),
    ("AF", "Message Mapping Catalogue"),
    ("AG", "Incident Management Policy"),
    ("AH", "Self-Service Interface Design Specification"),
    ("AJ", "SEC Variation Testing Approach Document"),
    ("AL", "SMETS1 Transition and Migration Approach Document"),
]
GROUPS = ["SECAS analyst", "Panel member"]


def seed(apps, schema_editor):
    SECDocument = apps.get_model("modifications", "SECDocument")
    position = 0
    for kind, rows in (("section", SECTIONS), ("schedule", SCHEDULES), ("appendix", APPENDICES)):
        for code, title in rows:
            position += 10
            SECDocument.objects.update_or_create(
                kind=kind, code=code, defaults={"title": title, "position": position}
            )
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def unseed(apps, schema_editor):
    apps.get_model("modifications", "SECDocument").objects.all().delete()
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("modifications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
