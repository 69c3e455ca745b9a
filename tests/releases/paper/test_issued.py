"""Papers that can be trusted: a paper as of a past date reads every field as it was recorded
by then (field history), an issued paper is frozen (insert-only, served as stored), and a paper
is at least as restricted as every release it covers."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from modifications import services as register
from modifications.models import Event
from releases import services
from releases.models import ImmutableVersionError, IssuedPaper, ScopeItem
from releases.paper import services as paper_services
from releases.paper.document import Paper, build_paper, paper_queryset, spec_from_paper
from releases.policy import asof
from secrelease.history import recorded_at
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2020, 5, 26)
BEFORE = D(2020, 5, 20)  # when the register below was recorded


def build(paper, as_of=None):
    paper = paper_queryset().get(pk=paper.pk)
    spec = spec_from_paper(paper)
    if as_of is not None:
        from dataclasses import replace

        spec = replace(spec, as_of=as_of)
    return build_paper(spec)


@pytest.fixture
def recorded(analyst):
    """A November 2020 release and two modifications recorded on 20 May 2020, in scope, with
    a Change Request alongside."""
    with recorded_at(BEFORE):
        nov = make_release(
            analyst,
            name="November 2020 SEC Release",
            slug="november-2020",
            go_live_date=D(2020, 11, 29),
        )
        jun = make_release(
            analyst, name="June 2021 SEC Release", slug="june-2021", go_live_date=D(2021, 6, 24)
        )
        mod = make_modification(
            analyst,
            reference="MP090",
            title="Non GBCS Non-Mandated Alerts",
            impacts_dcc_systems=True,
            duis_impact="tbc",
            duis_footnote="Several solution options are being assessed",
        )
        services.scope_add(
            actor=analyst,
            release=nov,
            modification=mod,
            added_on=D(2019, 10, 1),
            part_label="part 1",
            reason="Scope",
        )
        cr = register.change_request_create(
            actor=analyst, reference="CR1145", title="Auxiliary Proportional Load Control"
        )
        services.release_change_request_add(actor=analyst, release=nov, change_request=cr)
    paper = paper_services.paper_create(
        actor=analyst,
        reference="OPSG_33_0206_15",
        as_of=AS_OF,
        author="David Kemp",
        sections=[{"release": nov, "show_system_impacts": True}],
    )
    return {"nov": nov, "jun": jun, "mod": mod, "cr": cr, "paper": paper}


def change_everything_after_the_date(analyst, world):
    """What SECAS changed in June 2020 and later: title, impacts, footnotes, part label, the
    Change Requests alongside."""
    register.modification_update(
        actor=analyst,
        modification=world["mod"],
        title="Renamed later",
        duis_impact="yes",
        duis_footnote="Confirmed by the DCC Impact Assessment",
    )
    item = ScopeItem.objects.get(modification=world["mod"])
    services.scope_item_update(actor=analyst, item=item, part_label="part 2")
    services.release_change_request_remove(
        actor=analyst, release=world["nov"], change_request=world["cr"]
    )
    later = register.change_request_create(actor=analyst, reference="CR1290", title="Added later")
    services.release_change_request_add(actor=analyst, release=world["nov"], change_request=later)


def scope_and_impacts(value):
    (section,) = value.sections
    (row,) = section.scope_rows
    (impact,) = section.impact_rows
    return {
        "label": row.label,
        "duis": impact.duis.value,
        "footnotes": [f.text for f in section.footnotes],
        "change_requests": [cr.reference for cr in section.change_requests],
    }


# As of a past date: every field as recorded then ------------------------------------------------


def test_a_paper_as_of_a_date_shows_what_was_recorded_by_then_not_later_edits(analyst, recorded):
    before = scope_and_impacts(build(recorded["paper"]))
    change_everything_after_the_date(analyst, recorded)

    assert (
        scope_and_impacts(build(recorded["paper"]))
        == before
        == {
            "label": "MP090 \u2018Non GBCS Non-Mandated Alerts\u2019 part 1",
            "duis": "tbc",
            "footnotes": ["Several solution options are being assessed"],
            "change_requests": ["CR1145"],
        }
    )
    # Today the same paper reads today's register.
    assert scope_and_impacts(build(recorded["paper"], as_of=timezone.localdate())) == {
        "label": "MP090 \u2018Renamed later\u2019 part 2",
        "duis": "yes",
        "footnotes": ["Confirmed by the DCC Impact Assessment"],
        "change_requests": ["CR1290"],
    }


def test_the_dashboard_facts_as_of_a_date_read_the_recorded_fields_too(analyst, recorded):
    change_everything_after_the_date(analyst, recorded)
    (nov,) = asof.releases_on(AS_OF, slugs=["november-2020"])
    (item,) = nov.scope
    assert (item.modification.title, item.part_label) == ("Non GBCS Non-Mandated Alerts", "part 1")
    (mod,) = asof.modifications_on(AS_OF, pks=[recorded["mod"].pk])
    assert (mod.title, mod.duis_footnote) == (
        "Non GBCS Non-Mandated Alerts",
        "Several solution options are being assessed",
    )


def test_a_timeline_row_deleted_later_is_still_in_a_paper_as_of_before(analyst, recorded):
    from releases.models import TimelineEvent

    with recorded_at(BEFORE):
        row = services.release_part_save(
            actor=analyst,
            release=recorded["nov"],
            model=TimelineEvent,
            date=D(2020, 11, 3),
            event="OPSG view on operational acceptance",
            kind="opsg_acceptance",
        )
    assert build(recorded["paper"]).sections[0].acceptance_view.opsg_date == D(2020, 11, 3)
    services.release_part_delete(actor=analyst, release=recorded["nov"], instance=row)
    assert build(recorded["paper"]).sections[0].acceptance_view.opsg_date == D(2020, 11, 3)
    today = build(recorded["paper"], as_of=timezone.localdate())
    assert today.sections[0].acceptance_view is None


def test_rows_recorded_only_after_the_date_are_read_as_they_are_now(analyst):
    """Entered later with earlier business dates (a back-filled register): nothing older is
    known, so the paper reads them as they are."""
    nov = make_release(
        analyst,
        name="November 2020 SEC Release",
        slug="november-2020",
        go_live_date=D(2020, 11, 29),
    )
    mod = make_modification(analyst, reference="MP081", title="First title")
    services.scope_add(
        actor=analyst, release=nov, modification=mod, added_on=D(2020, 5, 1), reason="Scope"
    )
    register.modification_update(actor=analyst, modification=mod, title="Typed again")
    (fact,) = asof.releases_on(AS_OF, slugs=["november-2020"])
    assert fact.scope[0].modification.title == "Typed again"


# Issuing: frozen ----------------------------------------------------------------------------


def test_an_issued_paper_never_changes_when_the_register_or_the_paper_does(analyst, recorded):
    issued = paper_services.paper_issue(
        actor=analyst, paper=recorded["paper"], note="Sent to the OPSG"
    )
    assert (issued.number, issued.reference, issued.classification) == (
        1,
        "OPSG_33_0206_15",
        "white",
    )
    assert issued.pdf_sha256 == hashlib.sha256(bytes(issued.pdf)).hexdigest()
    stored_content = issued.content
    stored_pdf = bytes(issued.pdf)

    change_everything_after_the_date(analyst, recorded)
    paper_services.paper_update(
        actor=analyst, paper=recorded["paper"], as_of=timezone.localdate(), title="Renamed"
    )
    again = IssuedPaper.objects.get(pk=issued.pk)
    assert again.content == stored_content
    assert bytes(again.pdf) == stored_pdf
    value = Paper.from_json(again.content)
    assert value.title == "SEC Releases update"
    assert scope_and_impacts(value)["label"].endswith(
        "\u2018Non GBCS Non-Mandated Alerts\u2019 part 1"
    )
    # The next issue is numbered 2 and reads the paper as it is now.
    second = paper_services.paper_issue(actor=analyst, paper=recorded["paper"])
    assert second.number == 2
    assert Paper.from_json(second.content).title == "Renamed"
    assert Event.objects.filter(action="paper.issued").count() == 2


def test_the_stored_value_reads_back_as_the_same_paper(analyst, recorded):
    value = build(recorded["paper"])
    assert Paper.from_json(value.to_json()) == value
    with pytest.raises(ValueError, match="schema"):
        Paper.from_json({**value.to_json(), "schema": 99})


def test_a_paper_issued_before_planned_baselines_were_told_apart_reads_as_it_was_sent(
    analyst, recorded
):
    """Issued papers stored before a section knew `baselined_system` and `expected_baseline`
    read back with neither and print the baseline sentence they were issued with."""
    from releases.paper.render import paper_print_html

    data = build(recorded["paper"]).to_json()
    for section in data["sections"]:
        section.pop("baselined_system")
        section.pop("expected_baseline")
        section["baselined"] = section["kind"] == "release"
    value = Paper.from_json(data)
    (release_section,) = [s for s in value.sections if s.kind == "release"]
    assert not release_section.baselined_system and release_section.expected_baseline is None
    html = paper_print_html(value)
    assert "The Panel has baselined the November 2020 SEC Release Implementation Document" in html
    assert "expected to baseline its" not in html


def test_the_application_and_the_database_refuse_to_change_an_issued_paper(analyst, recorded):
    issued = paper_services.paper_issue(actor=analyst, paper=recorded["paper"])
    issued.note = "Edited"
    with pytest.raises(ImmutableVersionError):
        issued.save()
    with pytest.raises(ImmutableVersionError):
        issued.delete()
    with pytest.raises(IntegrityError, match="issued OPSG paper"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE releases_issuedpaper SET note = 'x' WHERE id = %s", [issued.pk])
    with pytest.raises(IntegrityError, match="issued OPSG paper"):
        with transaction.atomic():
            IssuedPaper.objects.filter(pk=issued.pk).delete()
    with pytest.raises(IntegrityError, match="issued OPSG paper"):
        with transaction.atomic():
            IssuedPaper.objects.filter(pk=issued.pk).update(note="x")


# Classification: a paper is at least as restricted as every release it covers -----------------


def test_a_white_paper_covering_an_amber_release_is_refused_with_a_clear_message(analyst, recorded):
    services.release_update(
        actor=analyst,
        release=recorded["jun"],
        classification="amber",
        confirm_reclassification=True,
    )
    with pytest.raises(ValidationError) as exc:
        paper_services.paper_create(
            actor=analyst,
            reference="OPSG_34",
            as_of=AS_OF,
            author="A",
            releases=[recorded["nov"], recorded["jun"]],
        )
    (message,) = exc.value.message_dict["classification"]
    assert message == (
        "A paper is at least as restricted as every release it covers: June 2021 SEC Release is "
        "Amber. Classify this paper Amber (or more restricted), or leave that release out."
    )
    # Red covers Amber; Amber covers Amber and White.
    for classification in ("amber", "red"):
        paper_services.paper_create(
            actor=analyst,
            reference=f"OPSG_34_{classification}",
            as_of=AS_OF,
            author="A",
            classification=classification,
            releases=[recorded["nov"], recorded["jun"]],
        )


def test_a_year_section_covers_the_releases_of_that_year(analyst, recorded):
    services.release_update(actor=analyst, release=recorded["jun"], classification="red")
    with pytest.raises(ValidationError, match="June 2021 SEC Release is Red"):
        paper_services.paper_create(
            actor=analyst, reference="OPSG_35", as_of=AS_OF, author="A", years=[2021]
        )


def test_issuing_is_refused_when_a_covered_release_became_more_restricted(analyst, recorded):
    services.release_update(actor=analyst, release=recorded["nov"], classification="amber")
    with pytest.raises(ValidationError, match="November 2020 SEC Release is Amber"):
        paper_services.paper_issue(actor=analyst, paper=recorded["paper"])
    assert not IssuedPaper.objects.exists()


# Pages: who may see and do what ----------------------------------------------------------------


def test_an_analyst_issues_a_paper_from_its_page(analyst_client, recorded):
    paper = recorded["paper"]
    page = analyst_client.get(reverse("releases:paper_detail", args=[paper.pk]))
    assert "Not issued yet." in page.content.decode()
    response = analyst_client.post(
        reverse("releases:paper_issue", args=[paper.pk]), {"note": "Sent to the OPSG"}
    )
    issued = IssuedPaper.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("releases:issued_paper", args=[paper.pk, 1])
    html = analyst_client.get(response.url).content.decode()
    assert "Issue 1 of OPSG_33_0206_15" in html
    assert issued.pdf_sha256 in html
    listed = analyst_client.get(reverse("releases:paper_detail", args=[paper.pk])).content.decode()
    assert reverse("releases:issued_paper_pdf", args=[paper.pk, 1]) in listed
    pdf = analyst_client.get(reverse("releases:issued_paper_pdf", args=[paper.pk, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(issued.pdf)
    assert pdf["ETag"] == f'"{issued.pdf_sha256}"'
    not_modified = analyst_client.get(
        reverse("releases:issued_paper_pdf", args=[paper.pk, 1]),
        HTTP_IF_NONE_MATCH=f'"{issued.pdf_sha256}"',
    )
    assert not_modified.status_code == 304


def test_a_refused_issue_says_why_on_the_paper_page(analyst, analyst_client, recorded):
    services.release_update(actor=analyst, release=recorded["nov"], classification="amber")
    paper = recorded["paper"]
    response = analyst_client.post(
        reverse("releases:paper_issue", args=[paper.pk]), {"note": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "November 2020 SEC Release is Amber" in response.content.decode()
    assert not IssuedPaper.objects.exists()
    too_long = analyst_client.post(
        reverse("releases:paper_issue", args=[paper.pk]), {"note": "x" * 2001}, follow=True
    )
    assert "at most 2000 characters" in too_long.content.decode()


def test_the_paper_form_puts_the_classification_refusal_next_to_the_field(
    analyst, analyst_client, recorded
):
    services.release_update(actor=analyst, release=recorded["jun"], classification="amber")
    response = analyst_client.post(
        reverse("releases:paper_create"),
        {
            "reference": "OPSG_40",
            "title": "SEC Releases update",
            "classification": "white",
            "as_of": "2020-05-26",
            "author": "A",
            "team": "SECAS Team",
            "releases": [recorded["jun"].pk],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Classify this paper Amber" in form.errors["classification"][0]
    assert form["reference"].value() == "OPSG_40"


def test_who_may_issue_and_read_issued_papers(client, analyst, panel_member, outsider, recorded):
    paper = recorded["paper"]
    paper_services.paper_issue(actor=analyst, paper=paper)
    issue_url = reverse("releases:paper_issue", args=[paper.pk])
    page = reverse("releases:issued_paper", args=[paper.pk, 1])
    pdf = reverse("releases:issued_paper_pdf", args=[paper.pk, 1])

    assert client.post(issue_url).url.startswith(reverse("login"))
    assert client.get(page).url.startswith(reverse("login"))
    assert client.get(pdf).url.startswith(reverse("login"))

    client.force_login(outsider)
    assert client.post(issue_url).status_code == 403
    assert client.get(page).status_code == 403
    assert client.get(pdf).status_code == 403

    client.force_login(panel_member)
    assert client.post(issue_url).status_code == 403
    assert client.get(page).status_code == 200
    assert client.get(pdf).status_code == 200
    assert (
        "Issue this paper"
        not in client.get(reverse("releases:paper_detail", args=[paper.pk])).content.decode()
    )

    client.force_login(analyst)
    assert client.get(issue_url).status_code == 405
    assert client.get(reverse("releases:issued_paper", args=[paper.pk, 9])).status_code == 404
    assert client.get(reverse("releases:issued_paper_pdf", args=[paper.pk, 9])).status_code == 404
    assert IssuedPaper.objects.count() == 1


def test_the_issued_paper_page_takes_a_fixed_number_of_queries(
    analyst, analyst_client, recorded, django_assert_num_queries
):
    paper = recorded["paper"]
    paper_services.paper_issue(actor=analyst, paper=paper)
    url = reverse("releases:issued_paper", args=[paper.pk, 1])
    with django_assert_num_queries(3):  # session, user with roles, the issue
        analyst_client.get(url)
    for n in range(5):
        mod = make_modification(analyst, reference=f"MP{300 + n}", impacts_dcc_systems=True)
        services.scope_add(
            actor=analyst,
            release=recorded["nov"],
            modification=mod,
            added_on=D(2019, 10, 2),
            reason="More",
        )
    paper_services.paper_issue(actor=analyst, paper=paper)
    with django_assert_num_queries(3):
        analyst_client.get(reverse("releases:issued_paper", args=[paper.pk, 2]))
