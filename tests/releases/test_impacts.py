import datetime

import pytest

from releases import impacts, selectors, services
from tests.factories import make_modification, make_release, sec_document

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def june_2021(analyst):
    """The June 2021 SEC Release as RID v8.0 describes it, with MP116 fallen out."""
    release = make_release(analyst, full_baseline_date=D(2020, 12, 11))
    docs = {
        "MP106": [sec_document("appendix", "I")],
        "MP144": [sec_document("section", "I")],
        "MP146": [sec_document("section", "H")],
        "MP147": [sec_document("appendix", "O")],
        "MP153": [sec_document("section", "J")],
        "MP116": [sec_document("appendix", "AD")],
    }
    participants = {
        "MP106": "suppliers electricity_networks gas_networks other_sec_parties",
        "MP144": "suppliers electricity_networks gas_networks other_sec_parties dcc",
        "MP146": "suppliers dcc",
        "MP147": "dcc",
        "MP153": "dcc",
        "MP116": "suppliers",
    }
    # Added in an order unlike the register's, to show the functions sort.
    for reference in ["MP153", "MP147", "MP106", "MP146", "MP144", "MP116"]:
        flags = {f"impacts_{p}": True for p in participants[reference].split()}
        modification = make_modification(
            analyst,
            reference=reference,
            status="approved",
            sec_documents=docs[reference],
            **flags,
        )
        item = services.scope_add(
            actor=analyst,
            release=release,
            modification=modification,
            added_on=D(2020, 12, 1),
            reason="Baselined",
        )
    services.scope_fall_out(
        actor=analyst, item=item, fell_out_on=D(2021, 3, 12), reason="Missed its cut-off"
    )
    return release


def test_participant_matrix_has_one_row_per_modification_in_scope_in_register_order(june_2021):
    rows = impacts.participant_matrix(selectors.scope_items(june_2021))
    assert [r.reference for r in rows] == ["MP106", "MP144", "MP146", "MP147", "MP153"]


def test_participant_matrix_columns_are_suppliers_networks_other_parties_then_dcc(june_2021):
    rows = {
        r.reference: r.impacts for r in impacts.participant_matrix(selectors.scope_items(june_2021))
    }
    assert impacts.PARTICIPANT_HEADINGS == (
        "Suppliers",
        "Electricity Networks",
        "Gas Networks",
        "Other SEC Parties",
        "DCC",
    )
    assert rows["MP106"] == (True, True, True, True, False)
    assert rows["MP144"] == (True, True, True, True, True)
    assert rows["MP146"] == (True, False, False, False, True)
    assert rows["MP147"] == (False, False, False, False, True)


def test_fallen_out_modification_counts_in_no_matrix(june_2021):
    items = selectors.scope_items(june_2021)
    assert "MP116" not in [r.reference for r in impacts.participant_matrix(items)]
    assert "MP116" not in impacts.document_matrix(items).columns
    assert "Appendix AD" not in [d.label for d in impacts.sec_documents_impacted(items)]


def test_sec_documents_are_listed_sections_then_schedules_then_appendices(june_2021):
    documents = impacts.sec_documents_impacted(selectors.scope_items(june_2021))
    assert [str(d) for d in documents] == [
        "Section H ‘DCC Services’",
        "Section I ‘Data Privacy’",
        "Section J ‘Charges’",
        "Appendix I ‘CH Installation and Maintenance Support Materials’",
        "Appendix O ‘SMKI Repository Interface Design Specification’",
    ]


def test_document_matrix_is_the_one_of_rid_version_8(june_2021):
    matrix = impacts.document_matrix(selectors.scope_items(june_2021))
    assert matrix.columns == ("MP106", "MP144", "MP146", "MP147", "MP153")
    assert [(row.label, row.ticks) for row in matrix.rows] == [
        ("Section H", (False, False, True, False, False)),
        ("Section I", (False, True, False, False, False)),
        ("Section J", (False, False, False, False, True)),
        ("Appendix I", (True, False, False, False, False)),
        ("Appendix O", (False, False, False, True, False)),
    ]


def test_a_modification_in_scope_in_two_parts_is_one_row_and_one_column(analyst):
    release = make_release(analyst)
    modification = make_modification(
        analyst,
        reference="SECMP0007",
        impacts_dcc=True,
        sec_documents=[sec_document("appendix", "R")],
    )
    for part in ["CTSD legal text", "DSP changes"]:
        services.scope_add(
            actor=analyst,
            release=release,
            modification=modification,
            added_on=D(2020, 6, 1),
            part_label=part,
            reason="Split across releases",
        )
    items = selectors.scope_items(release)
    assert [r.reference for r in impacts.participant_matrix(items)] == ["SECMP0007"]
    matrix = impacts.document_matrix(items)
    assert matrix.columns == ("SECMP0007",)
    assert [(row.label, row.ticks) for row in matrix.rows] == [("Appendix R", (True,))]


def test_register_order_puts_split_letters_after_the_number_and_ignores_the_prefix(analyst):
    release = make_release(analyst)
    for reference in ["DP124", "MP102B", "MP080", "MP102A", "SECMP0062"]:
        services.scope_add(
            actor=analyst,
            release=release,
            modification=make_modification(analyst, reference=reference),
            added_on=D(2020, 6, 1),
            reason="Targeted",
        )
    rows = impacts.participant_matrix(selectors.scope_items(release))
    assert [r.reference for r in rows] == ["SECMP0062", "MP080", "MP102A", "MP102B", "DP124"]


def test_a_modification_that_changes_no_document_is_a_column_without_ticks(analyst):
    release = make_release(analyst)
    services.scope_add(
        actor=analyst,
        release=release,
        modification=make_modification(analyst, reference="MP200"),
        added_on=D(2020, 6, 1),
        reason="Targeted",
    )
    matrix = impacts.document_matrix(selectors.scope_items(release))
    assert matrix.columns == ("MP200",)
    assert matrix.rows == ()
    assert not matrix


def test_empty_scope_gives_empty_matrices():
    assert impacts.participant_matrix([]) == []
    assert impacts.sec_documents_impacted([]) == []
    assert impacts.document_matrix([]).columns == ()


def test_the_functions_issue_no_query_once_the_selector_has_run(
    june_2021, django_assert_num_queries
):
    items = selectors.scope_items(june_2021)
    with django_assert_num_queries(0):
        impacts.participant_matrix(items)
        impacts.sec_documents_impacted(items)
        impacts.document_matrix(items)
