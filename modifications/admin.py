"""Django admin for superusers. Admin saves of modifications and Change Requests go through the
same services as the pages (same checks, same activity trail, and the same refusal of a save
over someone else's change: EditTokenAdmin); decisions and the activity trail are read-only here
(decisions are recorded on the modification page)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError

from secrelease.edits import EDIT_TOKEN_FIELD, EditConflict, edit_token

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


def _with_edit_token(form_class):
    """`form_class` (an admin ModelForm) with the hidden edit token of the row it edits, checked
    in clean() against the row locked for the rest of the save (see EditTokenAdmin)."""

    class EditTokenAdminForm(form_class):
        edit_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not self.is_bound and self.instance.pk is not None:
                self.initial[EDIT_TOKEN_FIELD] = edit_token(self.instance)

        def clean(self):
            cleaned = super().clean()
            if self.instance.pk is None:
                return cleaned
            # The admin validates and saves a POST in one transaction: the row stays locked
            # until the service has saved it, so nobody's change slips in between.
            row = type(self.instance)._default_manager.select_for_update().get(pk=self.instance.pk)
            try:
                services.check_unchanged(row, cleaned.get(EDIT_TOKEN_FIELD))
            except EditConflict as conflict:
                # Shown again with the row's current token: saving again, knowingly, goes through.
                self.data = self.data.copy()
                self.data[self.add_prefix(EDIT_TOKEN_FIELD)] = conflict.current_token
                raise ValidationError(conflict.messages[0], code="edit_conflict") from None
            return cleaned

    EditTokenAdminForm.__name__ = form_class.__name__
    EditTokenAdminForm.__qualname__ = form_class.__qualname__
    return EditTokenAdminForm


class EditTokenAdmin(admin.ModelAdmin):
    """A change form that refuses a save over someone else's change, as every edit form of the
    product does (secrelease.edits): it carries the hidden edit token of the row as it was when
    the form was opened, and a save after anyone changed the row (on a product page or here) is
    refused above the form, naming who changed it, when and what, keeping what was typed.
    Saving again, having seen it, goes through. The add form has nothing to protect."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = _with_edit_token(kwargs.get("form") or self.form)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or EDIT_TOKEN_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        *first, (name, options) = fieldsets
        last = (name, {**options, "fields": [*options["fields"], EDIT_TOKEN_FIELD]})
        return [*first, last]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SECDocument)
class SECDocumentAdmin(EditTokenAdmin):
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
class ModificationAdmin(EditTokenAdmin):
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
class ChangeRequestAdmin(EditTokenAdmin):
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
