"""PLACEHOLDER: every view here is replaced by its real implementation."""

from django.http import HttpResponse


def dashboard(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def scope_lapse(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def paper_list(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def paper_create(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def paper_detail(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def paper_edit(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def paper_pdf(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def calendar_all(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def calendar_release(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)
