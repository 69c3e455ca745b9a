"""PDF layout that holds for any text: headings stay with what follows them, long words and URLs
wrap inside their cell, a row taller than a page keeps its table header and no page holds only a
caption, the cover title never breaks inside its date, right-to-left text never reorders the
document's own words, and a character the shipped fonts lack is refused at input (never an empty
box, never a 500). Read with pdftotext (-layout, -bbox)."""

import datetime
import re
import subprocess
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError

from modifications import services as register
from releases import services
from releases.models import DccImpact, PartyImpact, Release, TimelineEvent
from releases.rid import render
from releases.rid.document import build_rid
from secrelease import printable
from tests.factories import make_release
from tests.releases.rid_data import dcc_system_release

# About the PDF: its documents are laid out by WeasyPrint (tests/conftest.py).
pytestmark = pytest.mark.pdf

D = datetime.date
A4_WIDTH = 595.276
RIGHT_MARGIN = 20 / 25.4 * 72  # print.css @page margin


def pages_of(pdf_bytes):
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


def body_lines(page, running_title):
    """The lines of a page without the running header and footer."""
    return [
        line.strip()
        for line in page.splitlines()
        if line.strip()
        and running_title not in line
        and not re.search(r"Page \d+ of \d+|This document has a Classification", line)
    ]


HEADINGS = {
    "SEC Party and DCC impacts",
    "DCC System impacts",
    "SEC document impacts",
    "Other Code impacts",
    "DCC costs",
    "SECAS costs",
    "Operational acceptance criteria",
    "Approved Modification Proposals",
    "Targeted Modification Proposals",
    "DCC Change Requests",
}
CAPTIONS = {
    "Participant impact matrix",
    "SEC Party impacts",
    "DCC impacts",
    "SEC document impact matrix",
    "Release implementation timetable",
    "Document history",
    "Glossary",
}


@pytest.mark.parametrize("extra_lines", [0, 3, 6, 9, 12])
def test_no_page_ends_with_a_heading_or_a_caption(analyst, extra_lines):
    """Whatever the length of the text before them, headings and captions start a page's last
    lines only together with what they introduce."""
    october, _june = dcc_system_release(analyst)
    services.release_part_save(
        actor=analyst,
        release=october,
        model=PartyImpact,
        instance=october.party_impacts.get(participant="gas"),
        summary="\n".join(f"Gas Network Parties will note change {n}." for n in range(extra_lines)),
    )
    rid = build_rid(october)
    for page in pages_of(render.render_rid_pdf(rid)):
        lines = body_lines(page, rid.running_title)
        assert lines, "a page with nothing on it"
        assert lines[-1] not in HEADINGS | CAPTIONS, (extra_lines, lines[-3:])
        assert not set(lines) <= HEADINGS | CAPTIONS, (extra_lines, lines)


def test_long_words_and_urls_wrap_inside_their_cell(analyst):
    release = make_release(analyst, name="Wrap 2031 SEC Release", slug="wrap-2031")
    url = "https://sec.example.org/" + "very-long-path-segment-" * 8 + "file.pdf"
    name = "DCC_release_note_" + "X" * 120 + ".pdf"
    services.release_part_save(
        actor=analyst,
        release=release,
        model=DccImpact,
        area="Operational changes",
        summary=f"The DCC will publish {name} at {url} before go-live.",
    )
    widest = max(
        x_max for _text, _x_min, x_max in _words(render.render_rid_pdf(build_rid(release)))
    )
    assert widest <= A4_WIDTH - RIGHT_MARGIN + 1


def _words(pdf_bytes):
    """[(text, xMin, xMax)] of every word of the PDF (pdftotext -bbox), in reading order."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    ).stdout.decode()
    root = ElementTree.fromstring(
        re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    )
    return [(w.text, float(w.get("xMin")), float(w.get("xMax"))) for w in root.iter("word")]


def test_a_timeline_window_wraps_between_its_dates_inside_the_date_column(analyst):
    """The tables have fixed column widths (print.css): a window ("1 Sep 31 - 30 Nov 31") is
    wider than the Date column, so it wraps between its two dates, never over the Event."""
    release = make_release(analyst, name="Window 2031 SEC Release", slug="window-2031")
    services.release_part_save(
        actor=analyst,
        release=release,
        model=TimelineEvent,
        date=D(2031, 9, 1),
        end_date=D(2031, 11, 30),
        event="User Integration Testing",
        notes="",
    )
    words = _words(render.render_rid_pdf(build_rid(release)))
    event_header = next(i for i, w in enumerate(words) if w[0] == "Event")
    event_left = words[event_header][1]
    start = next(i for i, w in enumerate(words) if w[0] == "Sep" and i > event_header)
    window = words[start - 1 : start + 6]
    assert [w[0] for w in window] == ["1", "Sep", "31", "-", "30", "Nov", "31"]
    assert all(x_max < event_left for _text, _x_min, x_max in window)
    # The second date starts a line of its own, at the column's left edge.
    assert words[start + 3][1] == pytest.approx(window[0][1], abs=0.5)


def test_a_row_taller_than_a_page_keeps_its_table_header_on_every_page(analyst):
    release = make_release(analyst, name="Tall 2031 SEC Release", slug="tall-2031")
    services.release_part_save(
        actor=analyst,
        release=release,
        model=DccImpact,
        area="DCC System changes",
        summary="\n".join(f"The DCC will change interface number {n}." for n in range(120)),
    )
    rid = build_rid(release)
    pages = pages_of(render.render_rid_pdf(rid))
    with_rows = [p for p in pages if "The DCC will change interface number" in p]
    assert len(with_rows) >= 2
    for page in with_rows:
        assert re.search(r"Area impacted\s+Summary of impacts", page)
    for page in pages:
        lines = body_lines(page, rid.running_title)
        assert not set(lines) <= HEADINGS | CAPTIONS, lines


def test_the_cover_title_never_breaks_inside_its_date(analyst):
    release = make_release(
        analyst,
        name="Extraordinary Combined Autumn and Winter 2031 SEC Release",
        slug="long-2031",
        go_live_date=D(2031, 11, 27),
    )
    cover = pages_of(render.render_rid_pdf(build_rid(release)))[0]
    assert "(27 November 2031)" in " ".join(cover.split("  "))
    assert any("(27 November 2031)" in line for line in cover.splitlines())


def test_right_to_left_text_in_a_title_never_reorders_the_documents_own_words(analyst):
    release = make_release(analyst, name="Bidi 2031 SEC Release", slug="bidi-2031")
    mod = register.modification_create(
        actor=analyst,
        reference="MP990",
        title="Alerts \u202eevil override",
        rid_summary="will change the alerts.",
        status="approved",
    )
    services.scope_add(
        actor=analyst, release=release, modification=mod, added_on=D(2020, 1, 6), reason="Test"
    )
    rid = build_rid(release)
    text = " ".join(" ".join(pages_of(render.render_rid_pdf(rid))).split())
    assert "will change the alerts." in text
    assert "This section lists the impacts" in text
    html = render.render_rid_html(rid)
    assert "<bdi>MP990 \u2018Alerts \u202eevil override\u2019</bdi>" in html


def test_the_pdf_fonts_accept_latin_hebrew_and_arabic_and_refuse_emoji_and_full_width():
    assert (
        printable.unprintable("Caf\u00e9 \u2013 \u00a31,200 \u2713 \u05e9\u05dc\u05d5\u05dd") == []
    )
    assert printable.unprintable("\u0645\u0631\u062d\u0628\u0627 \u202e\u2066x\u2069") == []
    assert printable.unprintable("Go \U0001f680 \uff21\uff22 \u5168") == [
        "\U0001f680",
        "\uff21",
        "\uff22",
        "\u5168",
    ]
    message = printable.unprintable_message(["\U0001f680"])
    assert "U+1F680 ROCKET" in message


@pytest.mark.parametrize(
    "field, value",
    [
        ("secas_costs_note", "Funded \U0001f9ea by SECAS."),
        ("user_testing_text", "Users test in \uff35\uff29\uff34."),
        ("name", "Rocket \U0001f680 2031 SEC Release"),
    ],
)
def test_a_character_the_pdfs_cannot_print_gets_a_message_next_to_the_field(
    analyst, analyst_client, field, value
):
    release = make_release(analyst, name="Input 2031 SEC Release", slug="input-2031")
    form = {
        "name": release.name,
        "slug": release.slug,
        "go_live_date": release.go_live_date.isoformat(),
        "classification": "white",
        "dcc_cost": "0",
        "secas_costs_note": "",
        "user_testing_text": "",
        "reason": "Test",
    }
    form[field] = value
    response = analyst_client.post(f"/releases/{release.slug}/edit/", form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The PDF documents cannot print" in page
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert value in page  # what was typed is kept
    release.refresh_from_db()
    assert getattr(release, field) != value


def test_a_part_summary_with_an_emoji_is_refused_by_the_scope_item_form(analyst, analyst_client):
    october, _june = dcc_system_release(analyst)
    item = october.scope_items.get(modification__reference="MP903")
    response = analyst_client.post(
        f"/releases/{october.slug}/scope/{item.pk}/edit/",
        {
            "part_label": "DSP changes",
            "rid_summary": "will \U0001f680 launch.",
            "duis_impact": "yes",
            "gbcs_impact": "no",
            "ch_firmware_impact": "no",
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert "rid_summary" in response.context["form"].errors
    item.refresh_from_db()
    assert "\U0001f680" not in item.rid_summary


def test_the_services_refuse_it_too(analyst):
    with pytest.raises(ValidationError) as caught:
        register.modification_create(actor=analyst, reference="MP991", title="Go \U0001f680")
    assert "The PDF documents cannot print" in caught.value.message_dict["title"][0]
    with pytest.raises(ValidationError):
        make_release(analyst, name="Go \U0001f680 2031", slug="go-2031")
    assert not Release.objects.filter(slug="go-2031").exists()
