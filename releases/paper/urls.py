"""URLs of the OPSG "SEC Releases update" papers, in the releases: namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("papers/", views.paper_list, name="paper_list"),
    path("papers/new/", views.paper_create, name="paper_create"),
    path("papers/<int:pk>/", views.paper_detail, name="paper_detail"),
    path("papers/<int:pk>/edit/", views.paper_edit, name="paper_edit"),
    path("papers/<int:pk>/paper.pdf", views.paper_pdf, name="paper_pdf"),
    path("papers/<int:pk>/issue/", views.paper_issue, name="paper_issue"),
    path("papers/<int:pk>/issues/<int:number>/", views.issued_paper, name="issued_paper"),
    path(
        "papers/<int:pk>/issues/<int:number>.pdf",
        views.issued_paper_pdf,
        name="issued_paper_pdf",
    ),
]
