"""PDFs and RID versions made by the task worker (releases.jobs), off the request path: the
immediate backend (make run, the tests), the database queue with the page that waits for it,
the per-user limit, the cache of unchanged drafts, and a real `manage.py db_worker` process."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from releases import services
from releases.models import PartyImpact, RenderJob, RidVersion
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
    assert [draft.status_code, paper_pdf.status_code, issue.status_code] == [303, 303, 303]
    assert RenderJob.objects.filter(status="queued").count() == 3

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


def test_approving_a_review_with_the_database_queue_issues_in_the_worker(
    analyst, june, client, settings
):
    from releases import jobs
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
