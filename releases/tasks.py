"""Tasks the worker runs (django-tasks; settings.TASKS). `manage.py db_worker` runs them in
production; with the default immediate backend they run inside the request that queues them."""

from django_tasks import task

from . import jobs


@task()
def run_render_job(job_id):
    """Render the PDF of RenderJob `job_id`, or issue its RID version (releases.jobs.run_job).
    Returns the job's final status."""
    return jobs.run_job(job_id)
