from django.urls import include, path

from . import decision_views, jobs, views

app_name = "releases"

R = "releases/<slug:slug>/"

urlpatterns = [
    # Releases and their scope (views.py)
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_create, name="release_create"),
    path("search/", views.search, name="search"),
    path("modification-options/", views.modification_options, name="modification_options"),
    path(R, views.release_detail, name="release_detail"),
    path(R + "edit/", views.release_edit, name="release_edit"),
    path(R + "activity/", views.release_activity, name="release_activity"),
    path(R + "scope/add/", views.scope_add, name="scope_add"),
    path(R + "scope/add-many/", views.scope_bulk_add, name="scope_bulk_add"),
    path(
        R + "scope/new-modification/", views.scope_new_modification, name="scope_new_modification"
    ),
    path(R + "scope/<int:pk>/delete/", views.scope_item_delete, name="scope_item_delete"),
    path(R + "scope/<int:pk>/edit/", views.scope_item_edit, name="scope_item_edit"),
    path(R + "scope/<int:pk>/remove/", views.scope_remove, name="scope_remove"),
    path(R + "scope/<int:pk>/move/", views.scope_move, name="scope_move"),
    path(
        R + "change-requests/add/",
        views.release_change_request_add,
        name="release_change_request_add",
    ),
    path(
        R + "change-requests/<int:pk>/remove/",
        views.release_change_request_remove,
        name="release_change_request_remove",
    ),
    path(R + "<str:part>/section/", views.part_section, name="part_section"),
    path(R + "<str:part>/new/", views.part_create, name="part_create"),
    path(R + "<str:part>/<int:pk>/move/", views.part_move, name="part_move"),
    path(R + "<str:part>/<int:pk>/edit/", views.part_edit, name="part_edit"),
    path(R + "<str:part>/<int:pk>/delete/", views.part_delete, name="part_delete"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/new/", views.glossary_create, name="glossary_create"),
    path("glossary/<int:pk>/edit/", views.glossary_edit, name="glossary_edit"),
    path("glossary/<int:pk>/delete/", views.glossary_delete, name="glossary_delete"),
    # Decisions on a modification, with their scope consequences (decision_views.py)
    path(
        "modifications/<str:reference>/decide/",
        decision_views.decision_record,
        name="decision_record",
    ),
    path(
        "modifications/<str:reference>/decide/history/",
        decision_views.decision_history,
        name="decision_history",
    ),
    path(
        "modifications/<str:reference>/decisions/<int:pk>/correct/",
        decision_views.decision_correct,
        name="decision_correct",
    ),
    # PDFs and RID versions made by the task worker (jobs.py)
    path("jobs/<int:pk>/", jobs.render_job, name="render_job"),
    path("jobs/<int:pk>/status/", jobs.render_job_status, name="render_job_status"),
    path("jobs/<int:pk>/pdf/", jobs.render_job_pdf, name="render_job_pdf"),
    # The RID, the OPSG paper and the policy pages live in their wings (same namespace).
    path("", include("releases.rid.urls")),
    path("", include("releases.paper.urls")),
    path("", include("releases.policy.urls")),
    path("", include("releases.watch.urls")),
]
