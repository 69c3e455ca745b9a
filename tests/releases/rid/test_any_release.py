"""A RID that is right for any release, not only the June 2021 of the seed: two releases the demo
does not hold, entered through the services with invented data (tests/releases/rid_data.py):

- October 2031: ten modifications, eight impacting the DCC Systems with DUIS / GBCS / CH firmware
  impacts (two TBC with footnotes), one modification in two parts (its CTSD legal text in the
  June 2031 release), two DCC Change Requests, PIT, SIT and UIT, a DCC cost and SECAS costs,
  several SEC documents;
- February 2032: documentation only, three modifications, no Change Request, no test phase.

For each, issued as version 1.0: every datum entered appears on the version's page and in its
PDF's text, no sentence the data contradicts appears, and no sentence of the June 2021 seed that
this release's data did not ask for appears."""

import datetime
import html
import re
import subprocess

import pytest

from releases.rid import services as rid_services
from releases.rid.checks import rid_findings
from releases.rid.document import build_rid
from tests.releases import rid_data as data

# About the PDF: its documents are laid out by WeasyPrint (tests/conftest.py).
pytestmark = pytest.mark.pdf

D = datetime.date

# Sentences of the June 2021 seed a release's data must ask for before they are printed.
SEED_ONLY = [
    "This cost has already been accounted for in the SECAS budget",
    "Data Communication Company",
    "System Integration Testing",
    "June 2021",
    "MP106",
]


def squash(text):
    return " ".join(text.split())


def page_text(response):
    assert response.status_code == 200
    body = response.content.decode()
    article = body[body.index('<article class="rid-screen') : body.index("</article>")]
    # Inline tags (<bdi>, <a>) sit inside sentences; cells and list items are separate words.
    article = re.sub(r"</?(bdi|a|strong|span|sup)\b[^>]*>", "", article)
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", article)))


def pdf_text(pdf_bytes, running_title):
    """The PDF's text without the running header and footer lines."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode()
    kept = [
        line
        for line in text.splitlines()
        if line.strip() != running_title
        and not re.fullmatch(r"Page \d+ of \d+", line.strip())
        and not line.strip().startswith("This document has a Classification of")
    ]
    return squash("\n".join(kept))


def issue(analyst, release):
    findings = rid_findings(release, build_rid(release))
    version = rid_services.rid_issue_version(
        actor=analyst,
        release=release,
        kind="issued",
        date=D(2031, 3, 2),
        changes="First version of this RID.",
        unreviewed_reason="Issued by the test without a second analyst.",
        findings=[f.message for f in findings],
        findings_confirmed=True,
    )
    return version, findings


def texts(analyst_client, release, version):
    page = page_text(analyst_client.get(f"/releases/{release.slug}/rid/v{version.number}/"))
    running = f"{release.name} Implementation Document v{version.number}"
    return page, pdf_text(bytes(version.pdf), running)


def assert_in_both(page, pdf, expected):
    missing_page = [e for e in expected if squash(e) not in page]
    missing_pdf = [e for e in expected if squash(e) not in pdf]
    assert missing_page == [], "missing on the page"
    assert missing_pdf == [], "missing in the PDF text"


def assert_in_neither(page, pdf, refused):
    assert [r for r in refused if r in page] == [], "on the page"
    assert [r for r in refused if r in pdf] == [], "in the PDF text"


@pytest.fixture
def october(analyst):
    october, _june = data.dcc_system_release(analyst)
    return october


@pytest.fixture
def issued_october(analyst, analyst_client, october):
    version, findings = issue(analyst, october)
    return (version, findings, *texts(analyst_client, october, version))


def test_a_dcc_system_release_rid_shows_every_datum_entered(issued_october):
    _version, _findings, page, pdf = issued_october
    expected = [
        "October 2031 SEC Release",
        "30\u00a0October\u00a02031",
        *[f"{ref} \u2018{title}\u2019 {summary}" for ref, title, summary, *_ in data.SYSTEM_MODS],
        "MP903 \u2018Juniper load control\u2019 (DSP changes) " + data.SPLIT_PARTS["october"][1],
        *[f"{ref} \u2018{title}\u2019" for ref, title in data.SYSTEM_CHANGE_REQUESTS],
        *[line for text in data.SYSTEM_PARTY_IMPACTS.values() for line in text.split("\n")],
        *[area for area, _ in data.SYSTEM_DCC_IMPACTS],
        *[line for _, text in data.SYSTEM_DCC_IMPACTS for line in text.split("\n")],
        *data.SYSTEM_OTHER_CODE,
        *[event for _, event, _ in data.SYSTEM_TIMELINE],
        *[notes for _, _, notes in data.SYSTEM_TIMELINE],
        "will require Pre-Integration Testing (PIT), Systems Integration Testing (SIT) and "
        "User Integration Testing (UIT)",
        data.SYSTEM_USER_TESTING,
        "The DCC will incur implementation costs of around \u00a3187,500",
        "SECAS will incur six days effort, equating to around \u00a33,600, to update and "
        "implement the changes to the SEC.",
        "SECAS estimates a maximum of 20 days of effort, equating to around \u00a312,000, will "
        "be needed for project management of the release.",
        data.SYSTEM_NOTE,
        *data.SYSTEM_CRITERIA,
        # SEC documents
        "Appendix AD \u2018DCC User Interface Specification\u2019",
        "Schedule 8 \u2018GB Companion Specification\u2019",
        "Section G \u2018Security\u2019",
        # DCC System impacts, TBC footnotes
        "The following modifications in this release impact the DCC Systems:",
        "Impacts DUIS?",
        "Impacts CH firmware?",
        "Two solution options remain, only one of which changes the DUIS",
        "The Lantern Working Group decides on 3 March 2031",
        "The meter manufacturers review the GBCS change in April 2031",
        # Glossary: every acronym the text uses, plurals included (IHDs -> IHD)
        "IHD In-Home Display",
        "TBC To be confirmed",
        "REC Retail Energy Code",
        "SIT Systems Integration Testing",
        "DCC Data Communications Company",
    ]
    assert_in_both(page, pdf, expected)


def test_the_dcc_system_table_marks_tbc_with_numbered_footnotes(october):
    rid = build_rid(october)
    rows = {row.reference: row for row in rid.system_impacts}
    assert set(rows) == {"MP901", "MP902", "MP903", "MP904", "MP906", "MP907", "MP910", "MP911"}
    lantern = rows["MP904"]
    assert [c.value for c in lantern.cells] == ["tbc", "yes", "tbc"]
    assert (lantern.duis.footnote, lantern.gbcs.footnote, lantern.ch_firmware.footnote) == (
        1,
        None,
        2,
    )
    assert rows["MP906"].gbcs.footnote == 3
    assert [(f.number, f.text) for f in rid.system_footnotes][0] == (
        1,
        "Two solution options remain, only one of which changes the DUIS",
    )
    # The scope list marks the DCC System impacting modifications, and only them.
    marked = {m.reference for m in rid.modifications if m.impacts_dcc_systems}
    assert marked == set(rows)


def test_a_dcc_system_release_rid_says_nothing_its_data_contradicts(issued_october):
    _version, _findings, page, pdf = issued_october
    assert_in_neither(
        page,
        pdf,
        [
            "There are no DCC impacts for this release.",
            "There are no User testing impacts for this release.",
            "will not impact the DCC Systems",
            "will not incur any implementation costs",
            "No DCC Change Requests are currently planned",
            "No other Codes are impacted",
            "changes the SEC documentation only",
            "not been summarised yet",
            "has not estimated",
            "not defined yet",
            *SEED_ONLY,
        ],
    )


def test_each_part_has_its_own_summary_and_impacts_and_says_where_the_other_part_is(
    analyst, analyst_client, october
):
    june = october.__class__.objects.get(slug="june-2031")
    oct_rid, june_rid = build_rid(october), build_rid(june)
    (oct_part,) = [m for m in oct_rid.modifications if m.reference == "MP903"]
    (june_part,) = [m for m in june_rid.modifications if m.reference == "MP903"]
    assert oct_part.summary == data.SPLIT_PARTS["october"][1]
    assert june_part.summary == data.SPLIT_PARTS["june"][1]
    assert oct_part.impacts_dcc_systems and not june_part.impacts_dcc_systems
    assert "MP903" not in [r.reference for r in june_rid.system_impacts]
    june_matrix = {r.label: r.cells for r in june_rid.document_matrix}
    assert list(june_matrix) == ["Appendix R"]
    assert dict((r.label, r.cells) for r in june_rid.participant_matrix)["MP903"] == (
        True,
        False,
        False,
        False,
        False,
    )
    version, _ = issue(analyst, june)
    june_page, june_pdf = texts(analyst_client, june, version)
    assert_in_both(
        june_page,
        june_pdf,
        [
            "The part \u201cDSP changes\u201d of MP903 is in the scope of the October 2031 SEC "
            "Release (30 October 2031).",
            "No modification in the scope of this release impacts the DCC Systems: this "
            "release changes the SEC documentation only.",
        ],
    )
    page, pdf = texts(analyst_client, october, issue(analyst, october)[0])
    assert_in_both(
        page,
        pdf,
        [
            "The part \u201cCTSD legal text\u201d of MP903 is in the scope of the June 2031 SEC "
            "Release (26 June 2031)."
        ],
    )


def test_the_dcc_system_release_has_nothing_to_confirm_before_issuing(issued_october):
    _version, findings, _page, _pdf = issued_october
    assert findings == []


@pytest.fixture
def issued_february(analyst, analyst_client):
    release = data.documentation_only_release(analyst)
    version, findings = issue(analyst, release)
    return (release, findings, *texts(analyst_client, release, version))


def test_a_documentation_only_release_rid_shows_every_datum_entered(issued_february):
    _release, findings, page, pdf = issued_february
    expected = [
        "February 2032 SEC Release",
        *[f"{ref} \u2018{title}\u2019 {summary}" for ref, title, summary, *_ in data.DOC_ONLY_MODS],
        *data.DOC_ONLY_PARTY_IMPACTS.values(),
        "SECAS will incur 1.5 days effort, equating to around \u00a3900, to update and "
        "implement the changes to the SEC.",
        *data.DOC_ONLY_CRITERIA,
        "Section A \u2018Definitions and Interpretation\u2019",
        "Section C \u2018Governance\u2019",
        "Section I \u2018Data Privacy\u2019",
        "No modification in the scope of this release impacts the DCC Systems: this release "
        "changes the SEC documentation only.",
        "This release will not impact the DCC Systems and so will not require any "
        "Pre-Integration Testing (PIT), Systems Integration Testing (SIT) or User Integration "
        "Testing (UIT).",
        "There are no User testing impacts for this release.",
        "No DCC Change Requests are currently planned to be implemented alongside this SEC "
        "Release.",
        "There are no DCC impacts for this release.",
        "The DCC will not incur any implementation costs as a result of this release.",
    ]
    assert_in_both(page, pdf, expected)
    assert findings == []


def test_a_documentation_only_release_rid_says_nothing_its_data_contradicts(issued_february):
    _release, _findings, page, pdf = issued_february
    assert_in_neither(
        page,
        pdf,
        [
            "This release will impact the DCC Systems",
            "will require",
            "Impacts DUIS?",
            "DCC System impacts of",
            "This modification impacts the DCC Systems.",
            "The following DCC Change Requests",
            "implementation costs of around",
            *SEED_ONLY,
        ],
    )


def test_without_a_closing_sentence_the_secas_costs_say_only_the_costs(issued_february):
    _release, _findings, page, _pdf = issued_february
    costs = page[page.index("SECAS costs") : page.index("6. Acceptance criteria", 1000)]
    assert costs.strip().endswith("to update and implement the changes to the SEC.")
