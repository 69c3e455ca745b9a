"""Generated input posted to every analyst form (hypothesis): never a 5xx, and never a partial
write: rows and Events change only when the form succeeds (a 302/303 redirect). Each form gets
a bounded number of examples so the suite stays fast; deadlines are off (a save takes tens of
milliseconds on a shared machine)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modifications.models import ChangeRequest, Decision, Event, Modification
from releases.models import (
    AcceptanceCriterion,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    PartyImpact,
    Release,
    ReleaseDateChange,
    RenderJob,
    RidVersion,
    ScopeItem,
    SecasCostLine,
    TimelineEvent,
    UpdatePaper,
    UpdatePaperSection,
)
from tests.edit_forms import make_world
from tests.htmlforms import post_form

EXAMPLES_PER_FORM = 12
COUNTED = [
    Event,
    Modification,
    ChangeRequest,
    Decision,
    Release,
    ReleaseDateChange,
    ScopeItem,
    PartyImpact,
    DccImpact,
    OtherCodeImpact,
    TimelineEvent,
    SecasCostLine,
    AcceptanceCriterion,
    GlossaryEntry,
    RidVersion,
    UpdatePaper,
    UpdatePaperSection,
    RenderJob,
]
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 6000,
    "2101-01-01",
    "1999-12-31",
    "0001-01-01",
    "9999-12-31",
    "2020-02-30",
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "//evil.example/",
    "\u202e\ufeff\U0001f600",
]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))


def _url(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def _slug(w):
    return w["release"].slug


def _item(w):
    return w["item"].pk


def _part(key):
    return lambda w: w["parts"][key].pk


ANALYST_FORMS = {
    "release create": _url("releases:release_create"),
    "release edit": _url("releases:release_edit", _slug),
    "scope add": _url("releases:scope_add", _slug),
    "scope item edit": _url("releases:scope_item_edit", _slug, _item),
    "scope remove": _url("releases:scope_remove", _slug, _item),
    "scope move": _url("releases:scope_move", _slug, _item),
    "Change Request alongside": _url("releases:release_change_request_add", _slug),
    "DCC impact create": _url("releases:part_create", _slug, "dcc-impacts"),
    "DCC impact edit": _url("releases:part_edit", _slug, "dcc-impacts", _part(DccImpact)),
    "DCC impact delete": _url("releases:part_delete", _slug, "dcc-impacts", _part(DccImpact)),
    "other code impact create": _url("releases:part_create", _slug, "other-code-impacts"),
    "party impact edit": _url(
        "releases:part_edit", _slug, "party-impacts", lambda w: w["party"].pk
    ),
    "timeline event create": _url("releases:part_create", _slug, "timeline"),
    "timeline event edit": _url(
        "releases:part_edit", _slug, "timeline", lambda w: w["timeline"].pk
    ),
    "cost line create": _url("releases:part_create", _slug, "secas-costs"),
    "cost line edit": _url("releases:part_edit", _slug, "secas-costs", _part(SecasCostLine)),
    "acceptance criterion create": _url("releases:part_create", _slug, "acceptance-criteria"),
    "acceptance criterion edit": _url(
        "releases:part_edit", _slug, "acceptance-criteria", _part(AcceptanceCriterion)
    ),
    "glossary create": _url("releases:glossary_create"),
    "glossary edit": _url("releases:glossary_edit", lambda w: w["glossary"].pk),
    "glossary delete": _url("releases:glossary_delete", lambda w: w["glossary"].pk),
    "decision": _url("releases:decision_record", lambda w: w["modification"].reference),
    "RID issue": _url("releases:rid_issue", _slug),
    "paper create": _url("releases:paper_create"),
    "paper edit": _url("releases:paper_edit", lambda w: w["paper"].pk),
    "modification create": _url("modifications:modification_create"),
    "modification edit": _url(
        "modifications:modification_edit", lambda w: w["modification"].reference
    ),
    "Change Request create": _url("modifications:change_request_create"),
    "Change Request edit": _url(
        "modifications:change_request_edit", lambda w: w["change_request"].pk
    ),
}
# Forms with no page of their own: the fields they post.
POSTED_FROM_ELSEWHERE = {
    "lapse": (
        _url("releases:scope_lapse", _slug, _item),
        {"lapsed_on": ["2020-10-23"], "reason": [""], "next": ["/releases/"]},
    ),
}


def _counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def _field_strategy(original):
    """The value the page had (often valid, so later checks are reached), or nasty text."""
    return st.one_of(st.just(original), st.lists(TEXT, min_size=0, max_size=2))


@pytest.fixture
def world(analyst, settings):
    # PDFs are queued, not rendered inline: a successful RID issue or PDF costs nothing here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return make_world(analyst)


@pytest.mark.parametrize("name", [*ANALYST_FORMS, *POSTED_FROM_ELSEWHERE])
def test_generated_input_never_gives_a_5xx_or_a_partial_write(analyst_client, world, name):
    if name in ANALYST_FORMS:
        url = ANALYST_FORMS[name](world)
        page = analyst_client.get(url)
        assert page.status_code == 200
        base, _kinds = post_form(page.content)
    else:
        make_url, base = POSTED_FROM_ELSEWHERE[name]
        url = make_url(world)
    fields = {k: _field_strategy(v) for k, v in base.items() if k != "csrfmiddlewaretoken"}
    submissions = []

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.fixed_dictionaries(fields))
    def submit(data):
        before = _counts()
        response = analyst_client.post(url, data)
        submissions.append(response.status_code)
        assert response.status_code < 500, data
        if response.status_code not in (302, 303):
            assert _counts() == before, f"partial write from {data!r}"

    submit()
    assert len(submissions) >= EXAMPLES_PER_FORM // 2
    print(f"\nfuzz {name}: {len(submissions)} submissions, 0 5xx, statuses {set(submissions)}")
