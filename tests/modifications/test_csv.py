"""CSV export of the register with the list's search and filters applied."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from modifications.views import CSV_COLUMNS, csv_safe
from releases import services as release_services
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db

URL = reverse("modifications:modification_export_csv")


def rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def register(analyst):
    mp090 = make_modification(
        analyst,
        reference="MP090",
        title="Incorporation of Non GBCS Non-Mandated Alerts into the SEC",
        status="refinement",
        impacts_dcc_systems=True,
        duis_impact="tbc",
        duis_footnote="Several solution options are currently being assessed for MP090",
        gbcs_impact="yes",
        cut_off_date=datetime.date(2021, 10, 22),
        web_url="https://smartenergycodecompany.co.uk/modifications/mp090/",
    )
    mp106 = make_modification(
        analyst,
        reference="MP106",
        title="CHISM update for Unknown WAN Variant",
        status="approved",
    )
    make_modification(analyst, reference="MP147", title="SMKI Full Extract", status="approved")
    june = make_release(analyst)
    november = make_release(
        analyst,
        name="November 2021 SEC Release",
        slug="nov-2021",
        go_live_date=datetime.date(2021, 11, 4),
    )
    release_services.scope_add(
        actor=analyst,
        release=june,
        modification=mp106,
        added_on=datetime.date(2020, 12, 4),
        reason="Scope",
    )
    release_services.scope_add(
        actor=analyst,
        release=november,
        modification=mp090,
        added_on=datetime.date(2020, 7, 1),
        reason="Scope",
        part_label="DSP changes",
    )
    return mp090, mp106


def test_csv_has_a_header_and_one_row_per_modification_in_register_order(panel_client, register):
    table = rows(panel_client.get(URL))
    assert table[0] == CSV_COLUMNS
    assert [r[0] for r in table[1:]] == ["MP090", "MP106", "MP147"]
    mp090 = dict(zip(table[0], table[1], strict=True))
    assert mp090["Title"] == "Incorporation of Non GBCS Non-Mandated Alerts into the SEC"
    assert mp090["Status"] == "Refinement Process"
    assert mp090["Path"] == "Path 3: Self-Governance"
    assert mp090["Impacts DCC Systems?"] == "Yes"
    assert mp090["Impacts DUIS?"] == "TBC"
    assert mp090["DUIS footnote"].startswith("Several solution options")
    assert mp090["Impacts GBCS?"] == "Yes"
    assert mp090["Impacts CH firmware?"] == "No"
    assert mp090["Targeted releases"] == "November 2021 SEC Release (DSP changes)"
    assert mp090["Decision cut-off"] == "2021-10-22"
    assert mp090["Public web page"] == "https://smartenergycodecompany.co.uk/modifications/mp090/"


def test_csv_applies_the_same_filters_and_search_as_the_list(panel_client, register):
    assert [r[0] for r in rows(panel_client.get(URL, {"status": "approved"}))[1:]] == [
        "MP106",
        "MP147",
    ]
    assert [r[0] for r in rows(panel_client.get(URL, {"release": "june-2021"}))[1:]] == ["MP106"]
    assert [r[0] for r in rows(panel_client.get(URL, {"dcc": "yes"}))[1:]] == ["MP090"]
    assert [r[0] for r in rows(panel_client.get(URL, {"q": "smki"}))[1:]] == ["MP147"]
    assert rows(panel_client.get(URL, {"q": "nothing"})) == [CSV_COLUMNS]


def test_the_list_links_to_the_csv_with_its_filters(panel_client, register):
    html = panel_client.get(
        reverse("modifications:modification_list"), {"status": "approved", "page": "1"}
    ).content.decode()
    assert f'href="{URL}?status=approved"' in html


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(analyst, panel_client):
    make_modification(analyst, reference="MP200", title='=HYPERLINK("http://evil","x")')
    make_modification(analyst, reference="MP201", title="+cmd|' /C calc'!A0")
    make_modification(analyst, reference="MP202", title="-2+3")
    make_modification(analyst, reference="MP203", title="@SUM(A1)")
    titles = [r[1] for r in rows(panel_client.get(URL))[1:]]
    assert titles == [
        '\'=HYPERLINK("http://evil","x")',
        "'+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(A1)",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("=1+1", "'=1+1"),
        ("\tx", "'\tx"),
        (None, ""),
        (True, "Yes"),
        (datetime.date(2020, 5, 26), "2020-05-26"),
        ("a=b", "a=b"),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_csv_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_csv_is_refused_to_users_without_a_role(outsider_client):
    assert outsider_client.get(URL).status_code == 403


@pytest.mark.parametrize("size", [3, 30])
def test_csv_uses_a_fixed_number_of_queries(analyst, panel_client, django_assert_num_queries, size):
    release = make_release(analyst)
    for i in range(size):
        modification = make_modification(analyst, reference=f"MP{300 + i}")
        release_services.scope_add(
            actor=analyst,
            release=release,
            modification=modification,
            added_on=datetime.date(2020, 1, 1),
            reason="Scope",
        )
    with django_assert_num_queries(6):
        response = panel_client.get(URL)
    assert len(rows(response)) == size + 1
