"""PLACEHOLDER: every view here is replaced by its real implementation."""

from django.http import HttpResponse


def rid_draft(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def rid_draft_pdf(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def rid_version_list(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def rid_issue(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def rid_diff(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def rid_version(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def rid_version_pdf(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def rid_version_json(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)
