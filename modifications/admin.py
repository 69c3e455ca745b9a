"""Django admin for superusers. Admin saves of modifications and Change Requests go through the
same services as the pages (same checks, same activity trail); decisions and the activity trail
are read-only here (decisions are recorded on the modification page)."""

from django.contrib import admin

from . import services
from .forms import (
    ChangeRequestCreateForm,
    ChangeRequestEditForm,
    ModificationCreateForm,
    ModificationEditForm,
    SECDocumentForm,
)
from .models import ChangeRequest, Decision, Event, Modification, SECDocument


def _adopt(obj, saved):
    """Make the admin's unsaved `obj` the row the service saved, so that the admin's messages,
    log entry and redirect point at it."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SECDocument)
class SECDocumentAdmin(admin.ModelAdmin):
    """Adds and edits go through modifications.services (same checks, same activity trail);
    retiring and reinstating are on the catalogue page (/modifications/sec-documents/)."""

    list_display = ["label", "title", "kind", "code", "retired_on"]
    list_filter = ["kind"]
    search_fields = ["code", "title"]
    ordering = ["position"]
    fields = ["kind", "code", "title", "note", "reason"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = SECDocumentForm
        kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = form.service_fields()
        if change:
            services.sec_document_update(actor=request.user, document=obj, **fields)
            saved = SECDocument.objects.get(pk=obj.pk)
        else:
            saved = services.sec_document_create(actor=request.user, **fields)
        _adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        """Nothing related to save: the service has saved the entry."""

    def has_delete_permission(self, request, obj=None):
        return False  # modifications refer to it; retire it on the catalogue page instead


@admin.register(Modification)
class ModificationAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "status", "path", "impacts_dcc_systems"]
    list_filter = ["status", "path", "impacts_dcc_systems"]
    search_fields = ["reference", "title", "former_references__reference"]
    ordering = ["number", "suffix", "reference"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ModificationEditForm if obj else ModificationCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["reference", "status", "former_references_display"]

    @admin.display(description="Former references")
    def former_references_display(self, obj):
        return ", ".join(f.reference for f in obj.former_references.all()) or "None"

    def save_model(self, request, obj, form, change):
        fields = form.service_fields()
        if change:
            fields.pop("reference", None)
            fields.pop("status", None)
            saved = services.modification_update(actor=request.user, modification=obj, **fields)
        else:
            saved = services.modification_create(actor=request.user, **fields)
        _adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        """The service has set the SEC documents (and recorded them); only inlines remain."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False  # decisions and the activity trail refer to it


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "category"]
    search_fields = ["reference", "title"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ChangeRequestEditForm if obj else ChangeRequestCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = form.service_fields()
        if change:
            saved = services.change_request_update(actor=request.user, change_request=obj, **fields)
        else:
            saved = services.change_request_create(actor=request.user, **fields)
        _adopt(obj, saved)

    def has_delete_permission(self, request, obj=None):
        return False  # releases refer to it; remove it from a release on the release page


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "date",
        "reference_after",
        "kind",
        "body",
        "to_status",
        "recorded_by",
        "corrected_at",
    ]
    list_filter = ["body", "kind"]
    search_fields = ["reference_before", "reference_after", "notes"]
    date_hierarchy = "date"


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["summary", "reason"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
