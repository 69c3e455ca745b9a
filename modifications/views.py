"""PLACEHOLDER: every view here is replaced by its real implementation."""

from django.http import HttpResponse


def modification_list(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def modification_create(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def modification_export_csv(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def change_request_list(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def change_request_create(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def change_request_detail(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def change_request_edit(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def modification_detail(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def modification_edit(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def modification_activity(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)
