"""The June 2021 SEC Release as RID v8.0 shows it (seed 003), built through the services, for
RID tests that do not need the whole demo history. Also: a release of any size, for query counts."""

import datetime
from decimal import Decimal

from modifications import services as register
from modifications.models import SECDocument
from releases import services
from releases.models import AcceptanceCriterion, DccImpact, PartyImpact, SecasCostLine
from tests.factories import make_release

D = datetime.date

JUNE_2021_MODS = [
    (
        "MP106",
        "CHISM update for Unknown WAN Variant",
        "will insert guidance in SEC Appendix I \u2018CH Installation and Maintenance Support "
        "Materials\u2019 showing that a response to Service Request (SR) 12.1 \u2018Request WAN "
        "Matrix\u2019 of \u201c \u201d (Space) should be interpreted as \u201cUnknown\u201d.",
        [True, True, True, True, False],
        [("appendix", "I")],
    ),
    (
        "MP144",
        "Charging of Random Sample Privacy Assessments",
        "will amend the charging for Random Sample Privacy assessments so the Other User is "
        "charged, rather than it being spread across all DCC Users.",
        [True, True, True, True, True],
        [("section", "I")],
    ),
    (
        "MP146",
        "SM WAN Coverage Date",
        "will remove the date \u20181 January 2021\u2019 from SEC Section H8.16 to futureproof the "
        "SEC for Suppliers to continue to provide a service to areas where WAN coverage is yet "
        "to be installed.",
        [True, False, False, False, True],
        [("section", "H")],
    ),
    (
        "MP147",
        "SMKI Full Extract",
        "will amend the frequency for which the DCC must produce full Smart Metering Key "
        "Infrastructure (SMKI) extract, from a daily to a weekly basis.",
        [False, False, False, False, True],
        [("appendix", "O")],
    ),
    (
        "MP153",
        "Follow up changes for Communications Hub Finance Charges",
        "will amend Section J 1.2(b) so that the DCC only has to provide a separate invoice for "
        "Communications Hub Finance Charges if that is what is required under the direct "
        "agreement with the Approved Finance Party.",
        [False, False, False, False, True],
        [("section", "J")],
    ),
]

GLOSSARY = [
    ("DCC", "Data Communication Company"),
    ("PIT", "Pre-Integration Testing"),
    ("RID", "Release Implementation Document"),
    ("SEC", "Smart Energy Code"),
    ("SECAS", "Smart Energy Code Administrator and Secretariat"),
    ("SR", "Service Request"),
    ("SIT", "System Integration Testing"),
    ("UIT", "User Integration Testing"),
    # In the glossary but not used by the June 2021 RID:
    ("DUIS", "DCC User Interface Specification"),
    ("GBCS", "GB Companion Specification"),
]

PARTY_IMPACTS = {
    "all": "Suppliers will receive guidance that a response to SR12.1 that is \u201c \u201d "
    "(Space) should be interpreted as \u201cUnknown\u201d.\nUnless requested by the Panel, "
    "Random Sample Privacy Assessments will only be paid for by Other Users.",
    "suppliers": "Supplier Parties will be able to access up to date information to continue to "
    "extend their service and fulfil their contractual obligations.",
}


def glossary(actor):
    for acronym, term in GLOSSARY:
        services.glossary_entry_save(actor=actor, acronym=acronym, full_term=term)


def _documents(codes):
    return [SECDocument.objects.get(kind=k, code=c) for k, c in codes]


def june_2021(actor, *, approved=True):
    """The June 2021 release with the scope and content of RID v8.0."""
    release = make_release(
        actor,
        system_baseline_date=D(2020, 7, 17),
        full_baseline_date=D(2020, 12, 11),
        sec_version="40.0",
    )
    for reference, title, summary, impacts, documents in JUNE_2021_MODS:
        flags = dict(
            zip(
                [
                    "impacts_suppliers",
                    "impacts_electricity_networks",
                    "impacts_gas_networks",
                    "impacts_other_sec_parties",
                    "impacts_dcc",
                ],
                impacts,
                strict=True,
            )
        )
        mod = register.modification_create(
            actor=actor,
            reference=reference,
            title=title,
            rid_summary=summary,
            status="approved" if approved else "report_phase",
            web_url=f"https://smartenergycodecompany.co.uk/modifications/{reference.lower()}/",
            sec_documents=_documents(documents),
            **flags,
        )
        services.scope_add(
            actor=actor,
            release=release,
            modification=mod,
            added_on=D(2020, 12, 1),
            reason="Baselined by the Panel",
        )
    for participant, summary in PARTY_IMPACTS.items():
        services.release_part_save(
            actor=actor,
            release=release,
            model=PartyImpact,
            instance=release.party_impacts.get(participant=participant),
            summary=summary,
        )
    services.release_part_save(
        actor=actor,
        release=release,
        model=DccImpact,
        area="Operational changes",
        summary="The DCC will need to produce the full SMKI extract on a weekly rather than "
        "daily-basis.",
    )
    for position, (activity, days, cost, maximum) in enumerate(
        [
            ("to update and implement the changes to the SEC", 2, 1200, False),
            ("for project management of the release", 5, 3000, True),
        ],
        start=1,
    ):
        services.release_part_save(
            actor=actor,
            release=release,
            model=SecasCostLine,
            position=position,
            activity=activity,
            effort_days=Decimal(days),
            cost=Decimal(cost),
            is_maximum=maximum,
        )
    for position, text in enumerate(
        [
            "SECAS will be ready to implement the approved changes to the SEC on the agreed "
            "implementation date.",
            "SECAS has brought to readiness all the new and changed components that it is "
            "responsible for that are needed to support the new services.",
        ],
        start=1,
    ):
        services.release_part_save(
            actor=actor, release=release, model=AcceptanceCriterion, position=position, text=text
        )
    glossary(actor)
    return release


def release_of_size(actor, n, *, slug="big", first_number=1000):
    """A release with n modifications in scope, each changing a SEC document."""
    release = make_release(actor, name=f"Release {slug}", slug=slug, go_live_date=D(2030, 6, 27))
    documents = list(SECDocument.objects.all()[:5])
    for i in range(n):
        mod = register.modification_create(
            actor=actor,
            reference=f"MP{first_number + i}",
            title=f"Modification {i}",
            rid_summary="will change something.",
            status="approved" if i % 2 else "refinement",
            impacts_suppliers=bool(i % 3),
            sec_documents=[documents[i % len(documents)]],
        )
        services.scope_add(
            actor=actor,
            release=release,
            modification=mod,
            added_on=D(2029, 1, 1),
            reason="Test",
        )
    return release
