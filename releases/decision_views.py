"""PLACEHOLDER: every view here is replaced by its real implementation."""

from django.http import HttpResponse


def decision_record(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)
