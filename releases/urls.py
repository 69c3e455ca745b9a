from django.urls import path

from . import decision_views, policy_views, rid_views, views

app_name = "releases"

R = "releases/<slug:slug>/"

urlpatterns = [
    # Releases and their scope (views.py)
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_create, name="release_create"),
    path(R, views.release_detail, name="release_detail"),
    path(R + "edit/", views.release_edit, name="release_edit"),
    path(R + "activity/", views.release_activity, name="release_activity"),
    path(R + "scope/add/", views.scope_add, name="scope_add"),
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
    path(R + "<str:part>/new/", views.part_create, name="part_create"),
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
    # Release Implementation Documents (rid_views.py)
    path(R + "rid/", rid_views.rid_draft, name="rid_draft"),
    path(R + "rid/draft.pdf", rid_views.rid_draft_pdf, name="rid_draft_pdf"),
    path(R + "rid/versions/", rid_views.rid_version_list, name="rid_version_list"),
    path(R + "rid/issue/", rid_views.rid_issue, name="rid_issue"),
    path(R + "rid/compare/", rid_views.rid_diff, name="rid_diff"),
    path(R + "rid/v<str:number>/", rid_views.rid_version, name="rid_version"),
    path(R + "rid/v<str:number>.pdf", rid_views.rid_version_pdf, name="rid_version_pdf"),
    path(R + "rid/v<str:number>.json", rid_views.rid_version_json, name="rid_version_json"),
    # Policy, dashboard, OPSG papers, feeds (policy_views.py)
    path("dashboard/", policy_views.dashboard, name="dashboard"),
    path(R + "scope/<int:pk>/lapse/", policy_views.scope_lapse, name="scope_lapse"),
    path("papers/", policy_views.paper_list, name="paper_list"),
    path("papers/new/", policy_views.paper_create, name="paper_create"),
    path("papers/<int:pk>/", policy_views.paper_detail, name="paper_detail"),
    path("papers/<int:pk>/edit/", policy_views.paper_edit, name="paper_edit"),
    path("papers/<int:pk>/paper.pdf", policy_views.paper_pdf, name="paper_pdf"),
    path("calendar.ics", policy_views.calendar_all, name="calendar_all"),
    path(R + "calendar.ics", policy_views.calendar_release, name="calendar_release"),
]
