"""PDFs, RID versions and issued OPSG papers made by the task worker (releases.jobs), off the
request path: the immediate backend (make run, the tests), the database queue with the page that
waits for it, the per-user limit, the cache of unchanged drafts, a real `manage.py db_worker`
process, and no request laying out a PDF with the queue on."""

import datetime
import os
import re
import subprocess
import sys

import pytest
import weasyprint
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import get_resolver, reverse
from django_tasks_db.models import DBTaskResult

from releases import jobs, services
from releases.models import IssuedPaper, PartyImpact, RenderJob, RidVersion
from releases.paper import services as paper_services
from tests.factories import make_modification, make_release

D = datetime.date
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def june(analyst):
    release = make_release(analyst)
    mod = make_modification(analyst, "MP106")
    services.scope_add(
        actor=analyst, release=release, modification=mod, added_on=D(2020, 7, 1), reason="Panel"
    )
    return release


def draft_pdf_url(release):
    return reverse("releases:rid_draft_pdf", args=[release.slug])


def test_the_draft_pdf_is_rendered_once_while_the_rid_is_unchanged(analyst_client, june):
    first = analyst_client.get(draft_pdf_url(june))
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF-")
    job = RenderJob.objects.get()
    assert job.kind == "rid_draft" and job.status == "ready" and job.source == ""

    second = analyst_client.get(draft_pdf_url(june))
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert RenderJob.objects.get().finished_at == job.finished_at  # not rendered again


def test_a_change_to_the_rid_renders_a_new_draft_and_drops_the_old_one(
    analyst, analyst_client, june
):
    analyst_client.get(draft_pdf_url(june))
    old = RenderJob.objects.get()
    party = june.party_impacts.get(participant="suppliers")
    services.release_part_save(
        actor=analyst, release=june, model=PartyImpact, instance=party, summary="New impact"
    )
    response = analyst_client.get(draft_pdf_url(june))
    assert response.status_code == 200
    new = RenderJob.objects.get()
    assert new.pk != old.pk and new.key != old.key


def test_with_the_database_queue_the_request_answers_at_once_and_the_page_waits(
    analyst_client, june, settings
):
    settings.TASKS = DATABASE_QUEUE
    response = analyst_client.get(draft_pdf_url(june))
    job = RenderJob.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("releases:render_job", args=[job.pk])
    assert job.status == "queued"
    assert DBTaskResult.objects.get().task_path == "releases.tasks.run_render_job"

    page = analyst_client.get(response["Location"])
    body = page.content.decode()
    assert "june-2021-rid-draft.pdf is being prepared" in body
    assert "/static/js/render-job.js" in body
    assert f'href="{response["Location"]}">Check again</a>' in body  # without JavaScript
    status = analyst_client.get(reverse("releases:render_job_status", args=[job.pk]))
    assert status.json() == {"status": "queued"}
    # Asking again while it waits queues nothing more.
    assert analyst_client.get(draft_pdf_url(june)).status_code == 303
    assert DBTaskResult.objects.count() == 1


def test_a_user_cannot_queue_more_than_the_limit(analyst, analyst_client, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.RENDER_QUEUE_LIMIT = 2
    releases = [
        make_release(analyst, name=f"Release {n}", slug=f"r{n}", go_live_date=D(2021, 6, n + 1))
        for n in range(3)
    ]
    assert analyst_client.get(draft_pdf_url(releases[0])).status_code == 303
    assert analyst_client.get(draft_pdf_url(releases[1])).status_code == 303
    refused = analyst_client.get(draft_pdf_url(releases[2]))
    assert refused.status_code == 429
    assert "You already have 2 PDFs being prepared" in refused.content.decode()
    assert RenderJob.objects.count() == 2


def test_a_failed_render_says_so_and_is_tried_again_on_the_next_request(
    analyst_client, june, settings
):
    settings.TASKS = DATABASE_QUEUE
    analyst_client.get(draft_pdf_url(june))
    job = RenderJob.objects.get()
    job.source = "<html><body><img src='http://example.invalid/x.png'>"  # still renders
    job.status = "failed"
    job.error = "The PDF could not be made."
    job.save()
    page = analyst_client.get(reverse("releases:render_job", args=[job.pk]))
    assert "The PDF could not be made." in page.content.decode()
    again = analyst_client.get(draft_pdf_url(june))
    assert again.status_code == 303
    assert RenderJob.objects.get().status == "queued"


def test_the_panel_cannot_see_an_analysts_draft_job(analyst_client, panel_member, june, settings):
    settings.TASKS = DATABASE_QUEUE
    analyst_client.get(draft_pdf_url(june))
    job = RenderJob.objects.get()
    panel_client = Client()
    panel_client.force_login(panel_member)
    assert panel_client.get(reverse("releases:render_job", args=[job.pk])).status_code == 403
    assert panel_client.get(reverse("releases:render_job_pdf", args=[job.pk])).status_code == 403


def test_issuing_with_the_database_queue_shows_being_issued(analyst_client, june, settings):
    settings.TASKS = DATABASE_QUEUE
    response = analyst_client.post(
        reverse("releases:rid_issue", args=[june.slug]),
        {
            "kind": "draft",
            "date": "2020-07-10",
            "changes": "First draft",
            "unreviewed_reason": "The Panel meets tomorrow",
            "issue_anyway": "on",  # past the pre-issue checks (an empty scope...)
        },
    )
    job = RenderJob.objects.get()
    assert response.status_code == 303
    assert job.kind == "rid_issue" and job.status == "queued"
    assert not RidVersion.objects.exists()
    page = analyst_client.get(response["Location"])
    assert "The version is being issued." in page.content.decode()
    # A second issue of the same release waits for the first.
    second = analyst_client.post(
        reverse("releases:rid_issue", args=[june.slug]),
        {
            "kind": "draft",
            "date": "2020-07-11",
            "changes": "Second draft",
            "unreviewed_reason": "The Panel meets tomorrow",
            "issue_anyway": "on",  # past the pre-issue checks (an empty scope...)
        },
    )
    assert second.status_code == 200
    assert "already being issued" in second.content.decode()


def _run_worker():
    """`manage.py db_worker --batch`: a real worker process on the test database; it exits when
    the queue is empty."""
    name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{connection.settings_dict['USER']}@"
        f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}/{name}",
        "TASKS_BACKEND": "database",
        "DJANGO_DEV_SECRET": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--interval", "0.2"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_renders_the_draft_and_issues_a_version(client, settings):
    from tests.factories import analyst_user

    settings.TASKS = DATABASE_QUEUE
    settings.RENDER_QUEUE_LIMIT = 4
    analyst = analyst_user(username="ada", first_name="Ada", last_name="Lovelace")
    client.force_login(analyst)
    june = make_release(analyst)
    paper = paper_services.paper_create(
        actor=analyst, reference="OPSG_1", as_of=D(2020, 5, 26), author="Ada", releases=[june]
    )
    draft = client.get(draft_pdf_url(june))
    paper_pdf = client.get(reverse("releases:paper_pdf", args=[paper.pk]))
    issue = client.post(
        reverse("releases:rid_issue", args=[june.slug]),
        {
            "kind": "draft",
            "date": "2020-07-10",
            "changes": "First draft",
            "unreviewed_reason": "The Panel meets tomorrow",
            "issue_anyway": "on",  # past the pre-issue checks (an empty scope...)
        },
    )
    paper_issue = client.post(reverse("releases:paper_issue", args=[paper.pk]), {"note": "Sent"})
    statuses = [r.status_code for r in (draft, paper_pdf, issue, paper_issue)]
    assert statuses == [303, 303, 303, 303]
    assert RenderJob.objects.filter(status="queued").count() == 4
    assert not IssuedPaper.objects.exists()

    _run_worker()

    assert set(RenderJob.objects.values_list("status", flat=True)) == {"ready"}
    for queued in (draft, paper_pdf):
        ready = client.get(queued["Location"])
        assert "is ready" in ready.content.decode()
        served = client.get(queued["Location"] + "pdf/")
        assert served.status_code == 200 and served.content.startswith(b"%PDF-")
    version = RidVersion.objects.get()
    assert version.number == "0.1" and version.issued_by == analyst
    issued = client.get(issue["Location"], follow=True)
    assert issued.redirect_chain[-1][0] == version.get_absolute_url()
    assert (
        "Version 0.1 of the June 2021 SEC Release RID is issued without review"
        in issued.content.decode()
    )
    issued_paper = IssuedPaper.objects.get()
    assert (issued_paper.number, issued_paper.note, issued_paper.issued_by) == (1, "Sent", analyst)
    assert bytes(issued_paper.pdf).startswith(b"%PDF-")
    page = client.get(paper_issue["Location"], follow=True)
    assert page.redirect_chain[-1][0] == issued_paper.get_absolute_url()
    assert "OPSG_1 issue 1 is issued" in page.content.decode()


def test_approving_a_review_with_the_database_queue_issues_in_the_worker(
    analyst, june, client, settings
):
    from releases.rid import services as rid_services
    from tests.factories import analyst_user

    settings.TASKS = DATABASE_QUEUE
    review = rid_services.rid_review_submit(
        actor=analyst,
        release=june,
        kind="draft",
        date=D(2020, 7, 10),
        changes="First draft",
        baseline_scope="",
        panel_decision="",
        panel_meeting_date=None,
    )
    reviewer = analyst_user(username="ben", first_name="Ben", last_name="Brown")
    client.force_login(reviewer)
    url = reverse("releases:rid_review_approve", args=[june.slug, review.pk])
    response = client.post(url)
    job = RenderJob.objects.get()
    assert response.status_code == 303 and job.status == "queued"
    assert "The version is being issued." in client.get(response["Location"]).content.decode()
    assert not RidVersion.objects.exists()

    assert jobs.run_job(job.pk) == "ready"  # what the worker's task does
    page = client.get(response["Location"], follow=True)
    version = RidVersion.objects.get()
    assert page.redirect_chain[-1][0] == version.get_absolute_url()
    assert version.reviewed_by == reviewer and version.prepared_by == analyst
    assert "approved and issued as Ada Analyst prepared it" in page.content.decode()


# Issuing an OPSG paper ---------------------------------------------------------------------------


@pytest.fixture
def paper(analyst, june):
    return paper_services.paper_create(
        actor=analyst, reference="OPSG_1", as_of=D(2020, 5, 26), author="Ada", releases=[june]
    )


def paper_issue_url(paper):
    return reverse("releases:paper_issue", args=[paper.pk])


def test_issuing_a_paper_with_the_database_queue_shows_being_issued_then_the_issue(
    analyst_client, paper, settings
):
    settings.TASKS = DATABASE_QUEUE
    response = analyst_client.post(paper_issue_url(paper), {"note": "Sent to the OPSG"})
    job = RenderJob.objects.get()
    assert response.status_code == 303
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status, job.subject) == ("paper_issue", "queued", f"paper:{paper.pk}")
    assert not IssuedPaper.objects.exists()  # nothing laid out in the request
    page = analyst_client.get(response["Location"]).content.decode()
    assert "The paper is being issued." in page
    assert "/static/js/render-job.js" in page
    # Asking again while it waits issues nothing more.
    again = analyst_client.post(paper_issue_url(paper), {"note": "Twice"}, follow=True)
    assert "OPSG_1 is already being issued" in again.content.decode()
    assert RenderJob.objects.count() == 1

    assert jobs.run_job(job.pk) == "ready"  # what the worker's task does

    issued = IssuedPaper.objects.get()
    assert (issued.number, issued.note) == (1, "Sent to the OPSG")
    ready = analyst_client.get(response["Location"], follow=True)
    assert ready.redirect_chain[-1][0] == issued.get_absolute_url()
    assert "OPSG_1 issue 1 is issued: its content and PDF are now frozen." in (
        ready.content.decode()
    )
    pdf = analyst_client.get(reverse("releases:issued_paper_pdf", args=[paper.pk, 1]))
    assert pdf.content == bytes(issued.pdf) and pdf.content.startswith(b"%PDF-")


def test_a_paper_changed_after_its_issue_was_asked_for_is_not_issued(
    analyst, analyst_client, paper, settings
):
    settings.TASKS = DATABASE_QUEUE
    response = analyst_client.post(paper_issue_url(paper), {"note": ""})
    job = RenderJob.objects.get()
    paper_services.paper_update(
        actor=analyst,
        paper=paper,
        purpose="Changed while the issue waited",
        sections=[{"release": paper.sections.get().release}],
    )

    assert jobs.run_job(job.pk) == "failed"

    assert not IssuedPaper.objects.exists()
    page = analyst_client.get(response["Location"]).content.decode()
    assert "The paper was not issued." in page
    assert "The paper changed after you asked to issue it: Ada Analyst changed it on" in page


def test_with_the_immediate_backend_issuing_a_paper_goes_straight_to_the_issue(
    analyst_client, paper
):
    response = analyst_client.post(paper_issue_url(paper), {"note": "Sent"})
    issued = IssuedPaper.objects.get()
    assert response.status_code == 302 and response.url == issued.get_absolute_url()
    assert RenderJob.objects.get().status == "ready"


# No request lays out a PDF -----------------------------------------------------------------------

# Every URL that makes, serves or issues a PDF (names ending _pdf, _issue or _approve, and the
# comparison page, which gives the PDF with ?output=pdf): each is requested below.
PDF_URL = re.compile(r"(_pdf|_issue|_approve)$")
PDF_URLS = {
    "releases:rid_draft_pdf",
    "releases:rid_diff",
    "releases:rid_version_pdf",
    "releases:rid_issue",
    "releases:rid_review_approve",
    "releases:paper_pdf",
    "releases:paper_issue",
    "releases:issued_paper_pdf",
    "releases:render_job_pdf",
}


def _url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _url_names(pattern, pattern.namespace or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_pdf_url_is_in_the_list_of_the_no_layout_in_a_request_test():
    found = {name for name in _url_names() if PDF_URL.search(name)} | {"releases:rid_diff"}
    assert found == PDF_URLS


def test_with_the_database_queue_no_request_lays_out_a_pdf(
    analyst, analyst_client, june, paper, settings, monkeypatch
):
    from releases.rid import services as rid_services
    from tests.factories import analyst_user

    for n, changes in enumerate(["First draft", "Second draft"]):
        rid_services.rid_issue_version(
            actor=analyst,
            release=june,
            kind="draft",
            date=D(2020, 7, 10 + n),
            changes=changes,
            unreviewed_reason="Test",
            findings_confirmed=True,
            findings=["checked"],
        )
    review = rid_services.rid_review_submit(
        actor=analyst,
        release=june,
        kind="issued",
        date=D(2020, 7, 20),
        changes="Issued",
        baseline_scope="",
        panel_decision="",
        panel_meeting_date=None,
        findings=["checked"],
        findings_confirmed=True,
    )
    paper_services.paper_issue(actor=analyst, paper=paper)
    settings.TASKS = DATABASE_QUEUE
    settings.RENDER_QUEUE_LIMIT = 10
    reviewer = Client()
    reviewer.force_login(analyst_user(username="ben", first_name="Ben", last_name="Brown"))
    laid_out = []

    def refuse(self, *args, **kwargs):
        laid_out.append(self)
        raise AssertionError("WeasyPrint laid out a PDF inside a request")

    monkeypatch.setattr(weasyprint.HTML, "render", refuse)
    answers = {
        "releases:rid_draft_pdf": analyst_client.get(draft_pdf_url(june)),
        "releases:rid_diff": analyst_client.get(
            reverse("releases:rid_diff", args=[june.slug]),
            {"from": "0.1", "to": "0.2", "format": "pdf"},
        ),
        "releases:rid_version_pdf": analyst_client.get(
            reverse("releases:rid_version_pdf", args=[june.slug, "0.2"])
        ),
        "releases:rid_issue": analyst_client.post(
            reverse("releases:rid_issue", args=[june.slug]),
            {
                "kind": "draft",
                "date": "2020-07-12",
                "changes": "Third draft",
                "unreviewed_reason": "The Panel meets tomorrow",
                "issue_anyway": "on",
            },
        ),
        "releases:paper_pdf": analyst_client.get(reverse("releases:paper_pdf", args=[paper.pk])),
        "releases:paper_issue": analyst_client.post(paper_issue_url(paper), {"note": "Again"}),
        "releases:issued_paper_pdf": analyst_client.get(
            reverse("releases:issued_paper_pdf", args=[paper.pk, 1])
        ),
    }
    RenderJob.objects.filter(kind="rid_issue").delete()  # the approval below issues too
    answers["releases:rid_review_approve"] = reviewer.post(
        reverse("releases:rid_review_approve", args=[june.slug, review.pk])
    )
    queued = RenderJob.objects.exclude(kind="rid_issue").first()
    answers["releases:render_job_pdf"] = analyst_client.get(
        reverse("releases:render_job_pdf", args=[queued.pk])
    )

    assert set(answers) == PDF_URLS
    assert laid_out == []
    assert {name: r.status_code for name, r in answers.items()} == {
        "releases:rid_draft_pdf": 303,
        "releases:rid_diff": 303,
        "releases:rid_version_pdf": 200,  # stored bytes
        "releases:rid_issue": 303,
        "releases:rid_review_approve": 303,
        "releases:paper_pdf": 303,
        "releases:paper_issue": 303,
        "releases:issued_paper_pdf": 200,  # stored bytes
        "releases:render_job_pdf": 302,  # not ready yet: back to the job page
    }
    queued_kinds = sorted(RenderJob.objects.values_list("kind", flat=True))
    assert queued_kinds == ["paper", "paper_issue", "rid_diff", "rid_draft", "rid_issue"]
