"""PLACEHOLDER: every view here is replaced by its real implementation."""

from django.http import HttpResponse


def release_list(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def release_create(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def release_detail(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def release_edit(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def release_activity(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def scope_add(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def scope_item_edit(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def scope_remove(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def scope_move(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def release_change_request_add(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def release_change_request_remove(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def part_create(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def part_edit(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def part_delete(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def glossary(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def glossary_create(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def glossary_edit(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


def glossary_delete(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)
