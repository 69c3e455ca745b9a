"""The June 2021 SEC Release as RID v8.0 shows it (seed 003), built through the services, for
RID tests that do not need the whole demo history. Also: a release of any size, for query counts."""

import datetime
from decimal import Decimal

from modifications import services as register
from modifications.models import SECDocument
from releases import services
from releases.models import (
    AcceptanceCriterion,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    PartyImpact,
    SecasCostLine,
    TimelineEvent,
)
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
    ("DCC", "Data Communications Company"),
    ("PIT", "Pre-Integration Testing"),
    ("RID", "Release Implementation Document"),
    ("SEC", "Smart Energy Code"),
    ("SECAS", "Smart Energy Code Administrator and Secretariat"),
    ("SR", "Service Request"),
    ("SIT", "Systems Integration Testing"),
    ("UIT", "User Integration Testing"),
    ("CH", "Communications Hub"),
    ("CHISM", "CH Installation and Maintenance Support Materials"),
    ("SM", "Smart Metering"),
    ("SMKI", "Smart Metering Key Infrastructure"),
    ("WAN", "Wide Area Network"),
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
        dcc_cost=Decimal(0),
        secas_costs_note="This cost has already been accounted for in the SECAS budget, and so "
        "Parties will not incur any additional costs.",
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


# -- Releases the demo does not hold, with invented data (tests/releases/rid/test_any_release.py) --

SYSTEM_GLOSSARY = [
    ("CH", "Communications Hub"),
    ("CTSD", "Common Test Scenarios Document"),
    ("DCC", "Data Communications Company"),
    ("DSP", "Data Service Provider"),
    ("DUIS", "DCC User Interface Specification"),
    ("GB", "Great Britain"),
    ("GBCS", "GB Companion Specification"),
    ("IHD", "In-Home Display"),
    ("PIT", "Pre-Integration Testing"),
    ("REC", "Retail Energy Code"),
    ("RID", "Release Implementation Document"),
    ("SEC", "Smart Energy Code"),
    ("SECAS", "Smart Energy Code Administrator and Secretariat"),
    ("SIT", "Systems Integration Testing"),
    ("TBC", "To be confirmed"),
    ("UIT", "User Integration Testing"),
]

# (reference, title, summary, status, DCC Systems?, (DUIS, GBCS, CH firmware), footnotes,
#  participants, documents)
SYSTEM_MODS = [
    (
        "MP901",
        "Quartz alert codes for prepayment meters",
        "will add the Quartz alert codes to the DUIS and the GBCS.",
        "approved",
        True,
        ("yes", "yes", "no"),
        {},
        "suppliers dcc",
        [("appendix", "AD"), ("schedule", "8")],
    ),
    (
        "MP902",
        "Heron firmware window",
        "will let the DCC schedule CH firmware updates in a nightly window.",
        "approved",
        True,
        ("no", "no", "yes"),
        {},
        "dcc",
        [("appendix", "I")],
    ),
    (
        "MP904",
        "Lantern tariff switching",
        "will allow tariff switching requests to carry a future activation time.",
        "report_phase",
        True,
        ("tbc", "yes", "tbc"),
        {
            "duis": "Two solution options remain, only one of which changes the DUIS",
            "ch_firmware": "The Lantern Working Group decides on 3 March 2031",
        },
        "suppliers electricity_networks dcc",
        [("appendix", "AD"), ("section", "H")],
    ),
    (
        "MP906",
        "Marigold gas readings",
        "will add the Marigold gas reading to the daily extract.",
        "approved",
        True,
        ("yes", "tbc", "no"),
        {"gbcs": "The meter manufacturers review the GBCS change in April 2031"},
        "suppliers gas_networks dcc",
        [("appendix", "AD")],
    ),
    (
        "MP907",
        "Orchard IHD messages",
        "will let Suppliers send Orchard messages to IHDs.",
        "approved",
        True,
        ("yes", "yes", "yes"),
        {},
        "suppliers dcc",
        [("schedule", "8")],
    ),
    (
        "MP908",
        "Pebble billing clarification",
        "will clarify how Pebble charges are billed.",
        "approved",
        False,
        ("no", "no", "no"),
        {},
        "other_sec_parties",
        [("section", "J")],
    ),
    (
        "MP909",
        "Saffron security review",
        "will set a yearly Saffron security review of the DCC.",
        "change_board",
        False,
        ("no", "no", "no"),
        {},
        "dcc",
        [("section", "G")],
    ),
    (
        "MP910",
        "Thistle registration data",
        "will align Thistle registration data with the REC.",
        "approved",
        True,
        ("yes", "no", "no"),
        {},
        "electricity_networks dcc",
        [("appendix", "AD")],
    ),
    (
        "MP911",
        "Umber network alerts",
        "will route Umber network alerts to Network Operators.",
        "approved",
        True,
        ("no", "yes", "no"),
        {},
        "electricity_networks gas_networks dcc",
        [("schedule", "8")],
    ),
]
# MP903 is in two releases: its CTSD legal text in June 2031, its DSP changes in October 2031.
SPLIT_MOD = ("MP903", "Juniper load control", "will introduce Juniper load control.")
SPLIT_PARTS = {
    "june": (
        "CTSD legal text",
        "will bring the Juniper legal text into the CTSD early.",
        [("appendix", "R")],
    ),
    "october": (
        "DSP changes",
        "will change the DSP to send Juniper load control commands.",
        [("appendix", "AD"), ("section", "H")],
    ),
}
SYSTEM_PARTY_IMPACTS = {
    "all": "Every Party will see the Quartz and Lantern codes in their DUIS responses.",
    "suppliers": "Suppliers will update their systems for the Quartz alert codes.\n"
    "Suppliers will send Orchard messages from their head end systems.",
    "electricity": "Electricity Network Parties will receive Umber network alerts.",
    "gas": "Gas Network Parties will receive the Marigold gas reading.",
    "other": "Other SEC Parties will see the Pebble charges itemised.",
}
SYSTEM_DCC_IMPACTS = [
    (
        "DCC System changes",
        "The DSP will process the Quartz alert codes.\nThe DCC will test the "
        "Heron firmware window with the CH manufacturers.",
    ),
    ("Operational changes", "The DCC service desk will publish the Heron firmware calendar."),
]
SYSTEM_CHANGE_REQUESTS = [
    ("CR4101", "Kestrel certificate rotation"),
    ("CR4102", "Linnet response times"),
]
SYSTEM_COSTS = [
    ("to update and implement the changes to the SEC", "6", "3600", False),
    ("for project management of the release", "20", "12000", True),
]
SYSTEM_NOTE = "SECAS will recover these costs through its charges for 2031/32."
SYSTEM_CRITERIA = [
    "The DCC has completed PIT, SIT and UIT with no open severity 1 or 2 defects.",
    "Suppliers have confirmed they are ready to use the Quartz alert codes.",
    "SECAS will be ready to implement the approved changes to the SEC on the agreed date.",
]
SYSTEM_TIMELINE = [
    (D(2031, 5, 12), "SIT starts", "The DCC starts Systems Integration Testing."),
    (D(2031, 7, 21), "UIT window opens", "Users test the Quartz alert codes."),
]
SYSTEM_USER_TESTING = "Users will test the Quartz alert codes in the UIT window from 21 July 2031."
SYSTEM_OTHER_CODE = ("REC", "The Thistle registration data items need a matching REC change.")
SYSTEM_DCC_COST = Decimal("187500")

DOC_ONLY_MODS = [
    (
        "MP951",
        "Wren definitions tidy up",
        "will correct three definitions in Section A.",
        "approved",
        "",
        [("section", "A")],
    ),
    (
        "MP952",
        "Yarrow panel papers",
        "will let the Panel publish its papers a week earlier.",
        "approved",
        "other_sec_parties",
        [("section", "C")],
    ),
    (
        "MP953",
        "Zinnia privacy wording",
        "will reword the privacy notice in Section I.",
        "report_phase",
        "suppliers",
        [("section", "I")],
    ),
]
DOC_ONLY_PARTY_IMPACTS = {
    "all": "Parties will read the corrected definitions in Section A.",
    "suppliers": "Suppliers will update their privacy notices.",
}
DOC_ONLY_COSTS = [("to update and implement the changes to the SEC", "1.5", "900", False)]
DOC_ONLY_CRITERIA = [
    "SECAS will be ready to implement the approved changes to the SEC on the agreed date."
]

_FLAGS = ["suppliers", "electricity_networks", "gas_networks", "other_sec_parties", "dcc"]


def _flags(participants):
    return {f"impacts_{p}": p in participants.split() for p in _FLAGS}


def _url(reference):
    return f"https://sec.example.org/modifications/{reference.lower()}/"


def dcc_system_release(actor):
    """An invented October 2031 release that impacts the DCC Systems (ten modifications, one in
    two parts with the June 2031 release, TBC impacts with footnotes, two Change Requests,
    PIT/SIT/UIT, DCC and SECAS costs, several SEC documents), and the June 2031 release that
    holds the other part. Returns (october, june)."""
    for acronym, term in SYSTEM_GLOSSARY:
        if not GlossaryEntry.objects.filter(acronym=acronym).exists():
            services.glossary_entry_save(actor=actor, acronym=acronym, full_term=term)
    june = make_release(
        actor,
        name="June 2031 SEC Release",
        slug="june-2031",
        go_live_date=D(2031, 6, 26),
        full_baseline_date=D(2030, 12, 12),
        dcc_cost=Decimal(0),
    )
    october = make_release(
        actor,
        name="October 2031 SEC Release",
        slug="october-2031",
        go_live_date=D(2031, 10, 30),
        system_baseline_date=D(2030, 10, 17),
        full_baseline_date=D(2031, 4, 17),
        pit_required=True,
        sit_required=True,
        uit_required=True,
        user_testing_text=SYSTEM_USER_TESTING,
        dcc_cost=SYSTEM_DCC_COST,
        secas_costs_note=SYSTEM_NOTE,
    )
    for ref, title, summary, status, system, values, notes, who, docs in SYSTEM_MODS:
        mod = register.modification_create(
            actor=actor,
            reference=ref,
            title=title,
            rid_summary=summary,
            status=status,
            impacts_dcc_systems=system,
            duis_impact=values[0],
            gbcs_impact=values[1],
            ch_firmware_impact=values[2],
            duis_footnote=notes.get("duis", ""),
            gbcs_footnote=notes.get("gbcs", ""),
            ch_firmware_footnote=notes.get("ch_firmware", ""),
            web_url=_url(ref),
            sec_documents=_documents(docs),
            cut_off_date=D(2031, 2, 27) if status != "approved" else None,
            **_flags(who),
        )
        services.scope_add(
            actor=actor,
            release=october,
            modification=mod,
            added_on=D(2030, 10, 17),
            reason="Baselined by the Panel",
        )
    ref, title, summary = SPLIT_MOD
    split = register.modification_create(
        actor=actor,
        reference=ref,
        title=title,
        rid_summary=summary,
        status="approved",
        impacts_dcc_systems=True,
        duis_impact="yes",
        web_url=_url(ref),
        sec_documents=_documents([("appendix", "AD")]),
        **_flags("suppliers dcc"),
    )
    for release, key, system in ((june, "june", False), (october, "october", True)):
        label, part_summary, docs = SPLIT_PARTS[key]
        item = services.scope_add(
            actor=actor,
            release=release,
            modification=split,
            added_on=D(2030, 6, 12),
            reason="Baselined by the Panel",
            part_label=label,
        )
        services.scope_item_update(
            actor=actor,
            item=item,
            rid_summary=part_summary,
            own_impacts=True,
            impacts_dcc_systems=system,
            duis_impact="yes" if system else "no",
            impacts_suppliers=not system,
            impacts_dcc=system,
            sec_documents=_documents(docs),
        )
    for reference, title in SYSTEM_CHANGE_REQUESTS:
        cr = register.change_request_create(actor=actor, reference=reference, title=title)
        services.release_change_request_add(actor=actor, release=october, change_request=cr)
    for participant, summary in SYSTEM_PARTY_IMPACTS.items():
        services.release_part_save(
            actor=actor,
            release=october,
            model=PartyImpact,
            instance=october.party_impacts.get(participant=participant),
            summary=summary,
        )
    for position, (area, summary) in enumerate(SYSTEM_DCC_IMPACTS, start=1):
        services.release_part_save(
            actor=actor,
            release=october,
            model=DccImpact,
            position=position,
            area=area,
            summary=summary,
        )
    services.release_part_save(
        actor=actor,
        release=october,
        model=OtherCodeImpact,
        code=SYSTEM_OTHER_CODE[0],
        summary=SYSTEM_OTHER_CODE[1],
    )
    for date, event, notes in SYSTEM_TIMELINE:
        services.release_part_save(
            actor=actor,
            release=october,
            model=TimelineEvent,
            date=date,
            event=event,
            notes=notes,
            kind="other",
        )
    _costs_and_criteria(actor, october, SYSTEM_COSTS, SYSTEM_CRITERIA)
    services.release_part_save(
        actor=actor,
        release=june,
        model=PartyImpact,
        instance=june.party_impacts.get(participant="suppliers"),
        summary="Suppliers will read the Juniper legal text in the CTSD.",
    )
    return october, june


def documentation_only_release(actor):
    """An invented February 2032 release that changes the SEC documentation only: three
    modifications, no Change Request, no test phase, a DCC cost of 0, one SECAS cost line and
    no closing sentence about SECAS costs."""
    for acronym, term in [
        ("SEC", "Smart Energy Code"),
        ("DCC", "Data Communications Company"),
        ("SECAS", "Smart Energy Code Administrator and Secretariat"),
        ("RID", "Release Implementation Document"),
        ("PIT", "Pre-Integration Testing"),
        ("SIT", "Systems Integration Testing"),
        ("UIT", "User Integration Testing"),
    ]:
        if not GlossaryEntry.objects.filter(acronym=acronym).exists():
            services.glossary_entry_save(actor=actor, acronym=acronym, full_term=term)
    release = make_release(
        actor,
        name="February 2032 SEC Release",
        slug="february-2032",
        go_live_date=D(2032, 2, 26),
        full_baseline_date=D(2031, 8, 14),
        dcc_cost=Decimal(0),
    )
    for ref, title, summary, status, who, docs in DOC_ONLY_MODS:
        mod = register.modification_create(
            actor=actor,
            reference=ref,
            title=title,
            rid_summary=summary,
            status=status,
            web_url=_url(ref),
            sec_documents=_documents(docs),
            cut_off_date=D(2031, 12, 10) if status != "approved" else None,
            **_flags(who),
        )
        services.scope_add(
            actor=actor,
            release=release,
            modification=mod,
            added_on=D(2031, 8, 14),
            reason="Baselined by the Panel",
        )
    for participant, summary in DOC_ONLY_PARTY_IMPACTS.items():
        services.release_part_save(
            actor=actor,
            release=release,
            model=PartyImpact,
            instance=release.party_impacts.get(participant=participant),
            summary=summary,
        )
    _costs_and_criteria(actor, release, DOC_ONLY_COSTS, DOC_ONLY_CRITERIA)
    return release


def _costs_and_criteria(actor, release, costs, criteria):
    for position, (activity, days, cost, maximum) in enumerate(costs, start=1):
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
    for position, text in enumerate(criteria, start=1):
        services.release_part_save(
            actor=actor, release=release, model=AcceptanceCriterion, position=position, text=text
        )
