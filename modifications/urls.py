from django.urls import path

from . import views

app_name = "modifications"

urlpatterns = [
    path("", views.modification_list, name="modification_list"),
    path("new/", views.modification_create, name="modification_create"),
    path("export.csv", views.modification_export_csv, name="modification_export_csv"),
    path("change-requests/", views.change_request_list, name="change_request_list"),
    path("change-requests/new/", views.change_request_create, name="change_request_create"),
    path("change-requests/<int:pk>/", views.change_request_detail, name="change_request_detail"),
    path("change-requests/<int:pk>/edit/", views.change_request_edit, name="change_request_edit"),
    path("sec-documents/", views.sec_document_list, name="sec_document_list"),
    path("sec-documents/new/", views.sec_document_create, name="sec_document_create"),
    path("sec-documents/<int:pk>/edit/", views.sec_document_edit, name="sec_document_edit"),
    path("sec-documents/<int:pk>/retire/", views.sec_document_retire, name="sec_document_retire"),
    path(
        "sec-documents/<int:pk>/reinstate/",
        views.sec_document_reinstate,
        name="sec_document_reinstate",
    ),
    path("<str:reference>/", views.modification_detail, name="modification_detail"),
    path("<str:reference>/edit/", views.modification_edit, name="modification_edit"),
    path("<str:reference>/activity/", views.modification_activity, name="modification_activity"),
]
