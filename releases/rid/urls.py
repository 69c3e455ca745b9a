"""URLs of the Release Implementation Document, in the releases: namespace (included by
releases/urls.py): the live draft, issued versions (HTML, PDF, JSON), issuing and comparing."""

from django.urls import path

from ..urls import R
from . import views

urlpatterns = [
    path(R + "rid/", views.rid_draft, name="rid_draft"),
    path(R + "rid/draft.pdf", views.rid_draft_pdf, name="rid_draft_pdf"),
    path(R + "rid/versions/", views.rid_version_list, name="rid_version_list"),
    path(R + "rid/issue/", views.rid_issue, name="rid_issue"),
    path(R + "rid/compare/", views.rid_diff, name="rid_diff"),
    path(R + "rid/verify/", views.rid_verify, name="rid_verify"),
    path(R + "rid/review/", views.rid_review_submit, name="rid_review_submit"),
    path(R + "rid/review/<int:pk>/", views.rid_review, name="rid_review"),
    path(R + "rid/review/<int:pk>/approve/", views.rid_review_approve, name="rid_review_approve"),
    path(R + "rid/review/<int:pk>/return/", views.rid_review_return, name="rid_review_return"),
    path(
        R + "rid/review/<int:pk>/withdraw/", views.rid_review_withdraw, name="rid_review_withdraw"
    ),
    path(R + "rid/v<str:number>/", views.rid_version, name="rid_version"),
    path(R + "rid/v<str:number>.pdf", views.rid_version_pdf, name="rid_version_pdf"),
    path(R + "rid/v<str:number>.json", views.rid_version_json, name="rid_version_json"),
]
