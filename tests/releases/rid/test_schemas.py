"""Stored versions render forever: every schema a RID version was ever stored with (one JSON per
schema in tests/releases/rid/schemas/, as an issued version stored it) loads, upgrades to the
current schema and renders as the web page's document and as a PDF."""

import json
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from releases.rid import render
from releases.rid.document import SCHEMA, UPGRADES, Rid, upgrade

# About the PDF: its documents are laid out by WeasyPrint (tests/conftest.py).
pytestmark = pytest.mark.pdf

SCHEMAS = Path(__file__).parent / "schemas"


def stored(schema):
    return json.loads((SCHEMAS / f"rid-schema-{schema}.json").read_text(encoding="utf-8"))


def test_there_is_a_stored_json_of_every_schema_and_an_upgrade_step_between_each():
    assert sorted(p.name for p in SCHEMAS.glob("rid-schema-*.json")) == sorted(
        f"rid-schema-{n}.json" for n in range(1, SCHEMA + 1)
    )
    assert sorted(UPGRADES) == list(range(1, SCHEMA))


@pytest.mark.parametrize("schema", range(1, SCHEMA + 1))
def test_each_stored_schema_upgrades_and_renders_as_html(schema):
    data = stored(schema)
    assert data["schema"] == schema
    rid = Rid.from_json(data)
    assert rid.schema == SCHEMA
    html = render_to_string("releases/rid/_document.html", {"rid": rid})
    assert rid.release_name in html
    for modification in rid.modifications:
        assert modification.reference in html
    assert rid.history[-1].changes.split()[0] in html


@pytest.mark.parametrize("schema", range(1, SCHEMA + 1))
def test_each_stored_schema_renders_as_a_pdf(schema, tmp_path):
    rid = Rid.from_json(stored(schema))
    path = tmp_path / "rid.pdf"
    path.write_bytes(render.render_rid_pdf(rid))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"Version {rid.version}" in text or f"v{rid.version}" in text
    for modification in rid.modifications:
        assert modification.reference in text


def test_a_json_without_a_schema_number_is_read_as_the_first_schema():
    data = stored(1)
    del data["schema"]
    assert upgrade(data)["schema"] == SCHEMA


@pytest.mark.parametrize("schema", [0, SCHEMA + 1, "2"])
def test_an_unknown_schema_is_refused_with_a_clear_error(schema):
    with pytest.raises(ValueError, match="Unknown RID content schema"):
        Rid.from_json({**stored(1), "schema": schema})


def test_a_schema_1_version_still_says_what_it_said():
    """The upgrade makes the choices schema 1 made in its template: no DCC System impact
    subsection, "There are no DCC impacts" without DCC impact rows whatever the matrix ticks,
    "There are no User testing impacts" without a text even with UIT needed, and no SECAS
    closing sentence without cost lines."""
    data = stored(1)
    data.update(uit_required=True, dcc_impacts=[], user_testing_text="", secas_costs=[])
    rid = Rid.from_json(data)
    html = " ".join(render_to_string("releases/rid/_document.html", {"rid": rid}).split())
    assert "DCC System impacts" not in html
    assert "There are no DCC impacts for this release." in html
    assert "There are no User testing impacts for this release." in html
    assert "SECAS has not estimated its costs for this release yet." in html
    assert "already been accounted for" not in html
    original = Rid.from_json(stored(1))
    assert original.secas_costs_note.startswith("This cost has already been accounted for")


def test_the_stored_schema_2_version_holds_a_dcc_system_table_with_footnotes_and_parts():
    rid = Rid.from_json(stored(2))
    assert rid.system_impacts_wording == "table"
    assert [f.number for f in rid.system_footnotes] == [1, 2, 3]
    assert any(m.other_parts for m in rid.modifications)


def test_earlier_timeline_rows_upgrade_to_single_days_and_schema_3_windows_render_as_ranges():
    old = Rid.from_json(stored(2))
    assert all(row.end_date is None for row in old.timeline)
    new = Rid.from_json(stored(3))
    window = next(row for row in new.timeline if row.end_date)
    assert window.when == "1 Mar 21 - 30 Apr 21"
    html = render_to_string("releases/rid/_document.html", {"rid": new})
    # Each date stays on one line; a narrow Date column wraps the window between them.
    assert (
        '<span class="rid-nowrap">1 Mar 21</span> - <span class="rid-nowrap">30 Apr 21</span>'
        in html
    )
