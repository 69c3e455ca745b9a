"""Django admin for releases. Saves and deletes go through releases.services, so an admin edit
leaves the same activity trail (who, when, what, why) as the release pages, and a change form
refuses a save over someone else's change as the pages do (EditTokenAdmin). Issued RID versions
are read-only here, as everywhere."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget

from modifications.admin import EditTokenAdmin
from secrelease.forms import PlausibleDateField

from . import services
from .models import (
    AcceptanceCriterion,
    DateDecidedBy,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    PartyImpact,
    Release,
    ReleaseDateChange,
    RidVersion,
    ScopeItem,
    SecasCostLine,
    TimelineEvent,
)
from .policy import rules


class ReasonAdminForm(forms.ModelForm):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Why: recorded in the activity trail with your name and the time.",
    )


# Releases ---------------------------------------------------------------------------------


class ReleaseAdminForm(ReasonAdminForm):
    decided_by = forms.ChoiceField(
        label="Go-live date change decided by",
        choices=[("", "---------"), *DateDecidedBy.choices],
        required=False,
    )
    decision_date = PlausibleDateField(
        label="Date of that decision", required=False, widget=AdminDateWidget
    )

    class Meta:
        model = Release
        fields = services.RELEASE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_go_live = self.instance.go_live_date if self.instance.pk else None

    def go_live_moves(self):
        new = self.cleaned_data.get("go_live_date")
        return self.original_go_live is not None and new and new != self.original_go_live

    def clean(self):
        cleaned = super().clean()
        if self.go_live_moves():
            if not cleaned.get("decided_by"):
                self.add_error("decided_by", "Moving the go-live date needs a recorded decision.")
            if not cleaned.get("decision_date"):
                self.add_error("decision_date", "Enter the date of the decision.")
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", "Say why the go-live date is moving.")
        return cleaned


@admin.register(Release)
class ReleaseAdmin(EditTokenAdmin):
    form = ReleaseAdminForm
    list_display = ["name", "go_live_date", "classification", "slug"]
    search_fields = ["name", "slug"]
    date_hierarchy = "go_live_date"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "go_live_date",
                    "classification",
                    "system_baseline_date",
                    "full_baseline_date",
                    "sec_version",
                ]
            },
        ),
        ("Moving the go-live date", {"fields": ["decided_by", "decision_date"]}),
        (
            "Test strategy",
            {
                "fields": [
                    "pit_required",
                    "sit_required",
                    "uit_required",
                    "test_strategy_text",
                    "user_testing_text",
                ]
            },
        ),
        ("Costs", {"fields": ["dcc_cost", "dcc_costs_text", "secas_costs_note"]}),
        (None, {"fields": ["reason"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # a release keeps its history; there is no service to delete one

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.RELEASE_FIELDS}
        reason = form.cleaned_data.get("reason", "")
        if change:
            date_decision = None
            if form.go_live_moves():
                date_decision = {
                    "decided_by": form.cleaned_data["decided_by"],
                    "decision_date": form.cleaned_data["decision_date"],
                }
            services.release_update(
                actor=request.user,
                release=obj,
                reason=reason,
                date_decision=date_decision,
                edit_token=form.cleaned_data.get("edit_token"),
                **data,
            )
        else:
            created = services.release_create(actor=request.user, reason=reason, **data)
            obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        pass  # no many-to-many here: Change Requests are added on the release page


@admin.register(ReleaseDateChange)
class ReleaseDateChangeAdmin(admin.ModelAdmin):
    """Written by services.release_update when the go-live date moves; read-only."""

    list_display = ["release", "old_date", "new_date", "decided_by", "decision_date"]
    list_filter = ["decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Scope ------------------------------------------------------------------------------------


class ScopeItemAdminForm(ReasonAdminForm):
    class Meta:
        model = ScopeItem
        fields = [
            "release",
            "modification",
            "added_on",
            "part_label",
            "cut_off_date",
            "fall_back_release",
            "exception_reason",
            "status_override",
        ]

    def clean(self):
        """The exception reason services.scope_add requires for a late addition (R4), asked
        for next to the field rather than refused by the service after the form."""
        cleaned = super().clean()
        release, modification = cleaned.get("release"), cleaned.get("modification")
        added_on = cleaned.get("added_on")
        if self.instance.pk is None and release and modification and added_on:
            late = rules.is_late_addition(
                release.go_live_date,
                added_on,
                impacts_dcc_systems=modification.impacts_dcc_systems,
            )
            if late and not (cleaned.get("exception_reason") or "").strip():
                self.add_error(
                    "exception_reason",
                    "It joins after the scope deadline: record the Panel decision that admits "
                    "it as an exception (R4).",
                )
        return cleaned


@admin.register(ScopeItem)
class ScopeItemAdmin(EditTokenAdmin):
    form = ScopeItemAdminForm
    list_display = ["modification", "part_label", "release", "state", "added_on", "removed_on"]
    list_filter = ["state", "added_after_deadline", "release"]
    list_select_related = ["modification", "release"]
    search_fields = ["modification__reference", "modification__title", "release__name"]
    ADD_FIELDS = [
        "release",
        "modification",
        "added_on",
        "part_label",
        "cut_off_date",
        "fall_back_release",
        "exception_reason",
        "reason",
    ]
    CHANGE_FIELDS = [
        "release",
        "modification",
        "state",
        "added_on",
        "added_after_deadline",
        "removed_on",
        "removal_reason",
        *services.SCOPE_ITEM_FIELDS,
        "reason",
    ]
    CHANGE_READONLY = [
        "release",
        "modification",
        "state",
        "added_on",
        "added_after_deadline",
        "removed_on",
        "removal_reason",
    ]

    def get_fields(self, request, obj=None):
        return self.CHANGE_FIELDS if obj else self.ADD_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return self.CHANGE_READONLY if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # remove, move or fall out on the release page: the row stays as history

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.scope_item_update(
                actor=request.user,
                item=obj,
                reason=data.get("reason", ""),
                edit_token=data.get("edit_token"),
                **{f: data[f] for f in services.SCOPE_ITEM_FIELDS},
            )
        else:
            created = services.scope_add(
                actor=request.user,
                release=data["release"],
                modification=data["modification"],
                added_on=data["added_on"],
                reason=data.get("reason") or "Added in the admin",
                part_label=data.get("part_label", ""),
                cut_off_date=data.get("cut_off_date"),
                fall_back_release=data.get("fall_back_release"),
                exception_reason=data.get("exception_reason", ""),
            )
            obj.pk = created.pk


# Parts of a release -----------------------------------------------------------------------


class ReleasePartAdmin(EditTokenAdmin):
    """Impacts, timeline events, SECAS cost lines and acceptance criteria, through
    services.release_part_save / release_part_delete."""

    list_select_related = ["release"]
    list_filter = ["release"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = type(
            f"{self.model.__name__}AdminForm",
            (ReasonAdminForm,),
            {
                "Meta": type(
                    "Meta", (), {"model": self.model, "fields": ["release", *self.tracked()]}
                )
            },
        )
        return super().get_form(request, obj, **kwargs)

    def tracked(self):
        return services.RELEASE_PARTS[self.model][1]

    def get_fields(self, request, obj=None):
        return ["release", *self.tracked(), "reason"]

    def get_readonly_fields(self, request, obj=None):
        return ["release"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = services.release_part_save(
            actor=request.user,
            release=obj.release,
            model=self.model,
            instance=obj if change else None,
            reason=form.cleaned_data.get("reason", ""),
            edit_token=form.cleaned_data.get("edit_token") if change else None,
            **{f: form.cleaned_data[f] for f in self.tracked() if f in form.cleaned_data},
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.release_part_delete(actor=request.user, release=obj.release, instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("release"):
            self.delete_model(request, obj)


@admin.register(PartyImpact)
class PartyImpactAdmin(ReleasePartAdmin):
    list_display = ["release", "participant", "summary"]

    def get_fields(self, request, obj=None):
        return ["release", "participant", "summary", "reason"]

    def get_readonly_fields(self, request, obj=None):
        return ["release", "participant"]

    def has_add_permission(self, request):
        return False  # the five rows are made with the release

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DccImpact)
class DccImpactAdmin(ReleasePartAdmin):
    list_display = ["release", "position", "area"]


@admin.register(OtherCodeImpact)
class OtherCodeImpactAdmin(ReleasePartAdmin):
    list_display = ["release", "code", "summary"]


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReleasePartAdmin):
    list_display = ["release", "date", "event", "kind"]


@admin.register(SecasCostLine)
class SecasCostLineAdmin(ReleasePartAdmin):
    list_display = ["release", "position", "activity", "effort_days", "cost"]


@admin.register(AcceptanceCriterion)
class AcceptanceCriterionAdmin(ReleasePartAdmin):
    list_display = ["release", "position", "text"]


# Glossary ---------------------------------------------------------------------------------


class GlossaryEntryAdminForm(ReasonAdminForm):
    class Meta:
        model = GlossaryEntry
        fields = ["acronym", "full_term"]


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(EditTokenAdmin):
    form = GlossaryEntryAdminForm
    list_display = ["acronym", "full_term"]
    search_fields = ["acronym", "full_term"]

    def save_model(self, request, obj, form, change):
        saved = services.glossary_entry_save(
            actor=request.user,
            entry=obj if change else None,
            acronym=form.cleaned_data["acronym"],
            full_term=form.cleaned_data["full_term"],
            reason=form.cleaned_data.get("reason", ""),
            edit_token=form.cleaned_data.get("edit_token") if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.glossary_entry_delete(actor=request.user, entry=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# RID versions -----------------------------------------------------------------------------


@admin.register(RidVersion)
class RidVersionAdmin(admin.ModelAdmin):
    """Issued versions are frozen: no add, change or delete (the database refuses them too)."""

    list_display = ["release", "number", "kind", "date", "issued_by", "issued_at"]
    list_filter = ["kind", "release"]
    list_select_related = ["release", "issued_by"]
    fields = [
        "release",
        "major",
        "minor",
        "kind",
        "baseline_scope",
        "date",
        "changes",
        "panel_decision",
        "panel_meeting_date",
        "pdf_sha256",
        "issued_by",
        "issued_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
