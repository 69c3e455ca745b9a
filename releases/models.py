"""Releases and their scope, impacts, timeline, test strategy, costs and acceptance criteria;
issued RID versions (frozen); OPSG update papers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from modifications.models import ChangeRequest, Impacts, ImpactValue, Modification, SECDocument
from secrelease.printable import PrintableTextMixin
from secrelease.validators import validate_plausible_date


class Classification(models.TextChoices):
    """Panel Information Policy classifications."""

    WHITE = "white", "White"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


# Panel Information Policy: White (public) < Green < Amber < Red (most restricted).
CLASSIFICATION_RANK = {value: rank for rank, value in enumerate(Classification.values)}


def most_restricted(classifications):
    """The most restricted of some classification values (White when there are none)."""
    return max(classifications, key=CLASSIFICATION_RANK.__getitem__, default=Classification.WHITE)


class Release(PrintableTextMixin, models.Model):
    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = (
        "name",
        "test_strategy_text",
        "user_testing_text",
        "dcc_costs_text",
        "secas_costs_note",
    )

    name = models.CharField(max_length=100, help_text="e.g. June 2021 SEC Release")
    slug = models.SlugField(max_length=50, help_text="e.g. june-2021")
    go_live_date = models.DateField("Go-live date", validators=[validate_plausible_date])
    classification = models.CharField(
        max_length=5, choices=Classification, default=Classification.WHITE
    )
    system_baseline_date = models.DateField(
        "Panel baseline of DCC System scope",
        null=True,
        blank=True,
        help_text="Panel meeting that baselines the scope on the DCC Systems (about 12 months "
        "before go-live).",
        validators=[validate_plausible_date],
    )
    full_baseline_date = models.DateField(
        "Panel baseline of full scope",
        null=True,
        blank=True,
        help_text="Panel meeting that sets the scope on the SEC documentation (about 6 months "
        "before go-live).",
        validators=[validate_plausible_date],
    )
    sec_version = models.CharField("SEC version at go-live", max_length=10, blank=True)
    change_requests = models.ManyToManyField(
        ChangeRequest,
        blank=True,
        related_name="releases",
        verbose_name="DCC Change Requests implemented alongside",
    )

    # 4. Test strategy
    pit_required = models.BooleanField("Pre-Integration Testing (PIT) needed", default=False)
    sit_required = models.BooleanField("Systems Integration Testing (SIT) needed", default=False)
    uit_required = models.BooleanField("User Integration Testing (UIT) needed", default=False)
    test_strategy_text = models.TextField(
        "Test strategy",
        blank=True,
        max_length=5000,
        help_text="Leave empty for the standard sentence the RID chooses from the test phases "
        "ticked and the DCC System impacts of the scope (the release page shows it).",
    )
    user_testing_text = models.TextField(
        "User testing impacts",
        blank=True,
        max_length=5000,
        help_text="Leave empty for 'There are no User testing impacts for this release.' (or, "
        "with UIT needed, that its impacts on Users have not been described yet).",
    )

    # 5. Costs
    dcc_cost = models.DecimalField(
        "DCC implementation cost (\u00a3)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Enter 0 when the DCC will incur no implementation costs; left empty, the RID "
        "says the DCC has not estimated them yet.",
    )
    dcc_costs_text = models.TextField(
        "DCC costs",
        blank=True,
        max_length=5000,
        help_text="Leave empty for the standard sentence chosen from the DCC implementation "
        "cost: an estimate, no costs (\u00a30) or not estimated yet (empty).",
    )
    secas_costs_note = models.TextField(
        "SECAS costs closing sentence",
        blank=True,
        max_length=2000,
        help_text="Typed for this release, e.g. how SECAS's costs are funded; left empty, the RID "
        "says nothing more about them.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    # Every saved state (with its Change Requests), for documents as of a past date
    # (releases/policy/history.py).
    history = HistoricalRecords(m2m_fields=[change_requests])

    class Meta:
        ordering = ["go_live_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="release_unique_slug"),
            models.UniqueConstraint(fields=["name"], name="release_unique_name"),
            models.CheckConstraint(
                condition=Q(classification__in=Classification.values),
                name="release_classification_valid",
            ),
            models.CheckConstraint(
                condition=Q(system_baseline_date__isnull=True)
                | Q(system_baseline_date__lt=F("go_live_date")),
                name="release_system_baseline_before_go_live",
            ),
            models.CheckConstraint(
                condition=Q(full_baseline_date__isnull=True)
                | Q(full_baseline_date__lt=F("go_live_date")),
                name="release_full_baseline_before_go_live",
            ),
            models.CheckConstraint(
                condition=Q(dcc_cost__isnull=True) | Q(dcc_cost__gte=0),
                name="release_dcc_cost_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:release_detail", args=[self.slug])

    @property
    def is_public(self):
        return self.classification == Classification.WHITE


class DateDecidedBy(models.TextChoices):
    """Who decided to move a go-live date (R10)."""

    AUTHORITY = "authority", "Authority"
    PANEL = "panel", "Panel (within the Authority's discretion)"


class ReleaseDateChange(models.Model):
    """R10: a go-live date moves only with a recorded decision; the history of dates is kept."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="date_changes")
    old_date = models.DateField(validators=[validate_plausible_date])
    new_date = models.DateField(validators=[validate_plausible_date])
    decided_by = models.CharField(max_length=10, choices=DateDecidedBy)
    decision_date = models.DateField(validators=[validate_plausible_date])
    reason = models.TextField(max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decision_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__in=DateDecidedBy.values),
                name="releasedatechange_decided_by_valid",
            ),
            models.CheckConstraint(
                condition=~Q(old_date=F("new_date")), name="releasedatechange_date_moves"
            ),
        ]

    def __str__(self):
        return f"{self.old_date} -> {self.new_date}"


class ScopeState(models.TextChoices):
    IN_SCOPE = "in_scope", "In scope"
    FELL_OUT = "fell_out", "Fell out of scope"
    REMOVED = "removed", "Removed from scope"
    MOVED = "moved", "Moved to another release"


class ScopeItem(PrintableTextMixin, Impacts):
    """A modification (or a part of one) in the scope of a release."""

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = (
        "part_label",
        "rid_summary",
        "duis_footnote",
        "gbcs_footnote",
        "ch_firmware_footnote",
        "status_override",
    )

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="scope_items")
    modification = models.ForeignKey(
        Modification, on_delete=models.PROTECT, related_name="scope_items"
    )
    part_label = models.CharField(
        max_length=100, blank=True, help_text="For a partial implementation, e.g. 'part 2'."
    )
    state = models.CharField(max_length=10, choices=ScopeState, default=ScopeState.IN_SCOPE)
    added_on = models.DateField(validators=[validate_plausible_date])
    added_after_deadline = models.BooleanField(default=False)
    exception_reason = models.TextField(
        blank=True,
        max_length=2000,
        help_text="The Panel decision that admitted a late addition as an exception (R4).",
    )
    cut_off_date = models.DateField(
        "Decision cut-off", null=True, blank=True, validators=[validate_plausible_date]
    )
    fall_back_release = models.ForeignKey(
        Release, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_on = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    removal_reason = models.TextField(blank=True, max_length=2000)
    status_override = models.TextField(
        "Current status sentence (override)",
        blank=True,
        max_length=1000,
        help_text="Replaces the generated 'Current status' sentence of the OPSG paper.",
    )

    history = HistoricalRecords()

    # A part of a modification (part_label) has its own RID summary and impacts; by default the
    # modification's (empty summary, own_impacts off).
    rid_summary = models.CharField(
        "RID summary of this part",
        max_length=1000,
        blank=True,
        help_text="One sentence starting with 'will', for this part only. Empty: the "
        "modification's RID summary.",
    )
    own_impacts = models.BooleanField(
        "This part has its own impacts",
        default=False,
        help_text="Off: the RID shows the modification's impacts. On: the impacts below.",
    )
    sec_documents = models.ManyToManyField(
        SECDocument, blank=True, related_name="+", verbose_name="SEC documents"
    )

    class Meta:
        ordering = ["modification__number", "modification__suffix", "part_label", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "modification", "part_label"],
                condition=Q(state="in_scope"),
                name="scopeitem_unique_active",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ScopeState.values), name="scopeitem_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="in_scope", removed_on__isnull=True)
                | (~Q(state="in_scope") & Q(removed_on__isnull=False)),
                name="scopeitem_removed_on_iff_out",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=F("added_on")),
                name="scopeitem_removed_after_added",
            ),
            models.CheckConstraint(
                condition=Q(fall_back_release__isnull=True) | ~Q(fall_back_release=F("release")),
                name="scopeitem_fall_back_is_another_release",
            ),
            models.CheckConstraint(
                condition=Q(duis_impact__in=ImpactValue.values)
                & Q(gbcs_impact__in=ImpactValue.values)
                & Q(ch_firmware_impact__in=ImpactValue.values),
                name="scopeitem_system_impact_valid",
            ),
        ]

    def __str__(self):
        part = f" {self.part_label}" if self.part_label else ""
        return f"scope item {self.pk}{part}"


class Participant(models.TextChoices):
    """The five fixed rows of the RID's 'SEC Party impacts' table, in order."""

    ALL = "all", "All SEC Parties"
    SUPPLIERS = "suppliers", "Supplier Parties"
    ELECTRICITY = "electricity", "Electricity Network Parties"
    GAS = "gas", "Gas Network Parties"
    OTHER = "other", "Other SEC Parties"


PARTICIPANT_ORDER = list(Participant.values)


class PartyImpact(PrintableTextMixin, models.Model):
    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("summary",)

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="party_impacts")
    participant = models.CharField(max_length=12, choices=Participant)
    summary = models.TextField(
        blank=True,
        max_length=5000,
        help_text="One impact per line. Empty means 'No further impacts'.",
    )

    class Meta:
        ordering = ["release", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "participant"], name="partyimpact_unique_participant"
            ),
            models.CheckConstraint(
                condition=Q(participant__in=Participant.values),
                name="partyimpact_participant_valid",
            ),
        ]

    def __str__(self):
        return self.get_participant_display()

    @property
    def lines(self):
        return [line.strip() for line in self.summary.splitlines() if line.strip()]


class DccImpact(PrintableTextMixin, models.Model):
    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("area", "summary")

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="dcc_impacts")
    position = models.PositiveSmallIntegerField(default=1)
    area = models.CharField(max_length=100, help_text="e.g. Operational changes")
    summary = models.TextField(max_length=5000, help_text="One impact per line.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.area

    @property
    def lines(self):
        return [line.strip() for line in self.summary.splitlines() if line.strip()]


class OtherCodeImpact(PrintableTextMixin, models.Model):
    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("code", "summary")

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="other_code_impacts"
    )
    code = models.CharField(max_length=60, help_text="e.g. BSC, REC, UNC, DCUSA")
    summary = models.TextField(max_length=2000)

    class Meta:
        ordering = ["code", "id"]

    def __str__(self):
        return self.code


class TimelineKind(models.TextChoices):
    """What a timeline row marks; the baselines and go-live rows follow the release dates."""

    SYSTEM_BASELINE = "system_baseline", "Panel baselines DCC System scope"
    FULL_BASELINE = "full_baseline", "Panel baselines full scope"
    PROGRESS_REVIEW = "progress_review", "Preliminary progress review"
    OPSG_ACCEPTANCE = "opsg_acceptance", "OPSG view on operational acceptance"
    GO_LIVE = "go_live", "Release go-live"
    OTHER = "other", "Other"


class TimelineEvent(PrintableTextMixin, models.Model):
    """A dated row of the implementation timeline; with an end date it is a window (a SIT or UIT
    test phase, "1 Jun 21 - 30 Jul 21")."""

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("event", "notes")

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="timeline")
    date = models.DateField(
        "Date",
        help_text="The day, or the first day of a window.",
        validators=[validate_plausible_date],
    )
    end_date = models.DateField(
        "End date",
        null=True,
        blank=True,
        help_text="For a window (e.g. a test phase): its last day. Leave empty for a single day.",
        validators=[validate_plausible_date],
    )
    event = models.CharField(max_length=200)
    notes = models.TextField(blank=True, max_length=2000)
    kind = models.CharField(max_length=16, choices=TimelineKind, default=TimelineKind.OTHER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TimelineKind.values),
                name="timelineevent_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="timelineevent_end_not_before_start",
                violation_error_message="The end date cannot be before the date.",
            ),
        ]

    def __str__(self):
        return self.event

    def clean(self):
        if self.date and self.end_date and self.end_date < self.date:
            raise ValidationError(
                {"end_date": "The end date cannot be before the date: it is the window's last day."}
            )


class SecasCostLine(PrintableTextMixin, models.Model):
    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("activity",)

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="secas_costs")
    position = models.PositiveSmallIntegerField(default=1)
    activity = models.CharField(
        max_length=300, help_text="e.g. 'to update and implement the changes to the SEC'"
    )
    effort_days = models.DecimalField(max_digits=6, decimal_places=1)
    cost = models.DecimalField("Cost (\u00a3)", max_digits=12, decimal_places=2)
    is_maximum = models.BooleanField(
        "Estimate is a maximum",
        default=False,
        help_text="Worded 'SECAS estimates a maximum of N days of effort ...'.",
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effort_days__gte=0), name="secascostline_effort_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0), name="secascostline_cost_not_negative"
            ),
        ]

    def __str__(self):
        return self.activity


class CriterionCategory(models.TextChoices):
    """The heading an acceptance criterion sits under."""

    OPERATIONAL = "operational", "Operational acceptance criteria"


class AcceptanceCriterion(PrintableTextMixin, models.Model):
    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("text",)

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="acceptance_criteria"
    )
    category = models.CharField(
        max_length=20, choices=CriterionCategory, default=CriterionCategory.OPERATIONAL
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=2000)

    class Meta:
        ordering = ["category", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "category", "position"],
                name="acceptancecriterion_unique_position",
            ),
            models.CheckConstraint(
                condition=Q(category__in=CriterionCategory.values),
                name="acceptancecriterion_category_valid",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:60]}"


class GlossaryEntry(PrintableTextMixin, models.Model):
    """An acronym and its full term. A RID lists only the acronyms it uses."""

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("acronym", "full_term")

    acronym = models.CharField(max_length=20)
    full_term = models.CharField(max_length=200)

    class Meta:
        ordering = ["acronym"]
        verbose_name_plural = "glossary entries"
        constraints = [
            models.UniqueConstraint(fields=["acronym"], name="glossaryentry_unique_acronym")
        ]

    def __str__(self):
        return f"{self.acronym}: {self.full_term}"


class ImmutableVersionError(Exception):
    """Raised when something tries to change or delete an issued RID version or OPSG paper."""


class InsertOnly:
    """A frozen record (an issued RID version, an issued OPSG paper): saved once, never changed
    or deleted. save() of an existing row and delete() raise ImmutableVersionError naming the
    record (frozen_label()); database triggers refuse it too (releases migrations 0002, 0006,
    0009)."""

    def frozen_label(self):
        """How the error names the record, e.g. "Version 8.0"."""
        raise NotImplementedError

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableVersionError(
                f"{self.frozen_label()} has been issued and cannot be changed."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersionError(f"{self.frozen_label()} has been issued and cannot be deleted.")


class RidVersionKind(models.TextChoices):
    """What an issued RID version is (R17 numbering)."""

    DRAFT = "draft", "Draft presented to the Panel"
    ISSUED = "issued", "Issued"
    BASELINE = "baseline", "Baselined by the Panel"


class BaselineScope(models.TextChoices):
    """Which scope the Panel baselined."""

    SYSTEM = "system", "DCC System scope"
    FULL = "full", "Full scope"


class RidVersion(InsertOnly, PrintableTextMixin, models.Model):
    """An issued version of a release's RID: frozen content, PDF bytes and hash.

    Rows are insert-only: the application never updates or deletes them and database triggers
    (migration releases 0002) refuse it too.
    """

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("changes", "panel_decision")

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="rid_versions")
    major = models.PositiveSmallIntegerField()
    minor = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=RidVersionKind)
    baseline_scope = models.CharField(max_length=6, choices=BaselineScope, blank=True)
    date = models.DateField(
        help_text="The document date on the cover and in the history.",
        validators=[validate_plausible_date],
    )
    changes = models.TextField(max_length=2000)
    panel_decision = models.TextField(blank=True, max_length=2000)
    panel_meeting_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible_date]
    )
    content = models.JSONField()
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    # Who prepared the version (submitted it for review, or issued it without review) and who
    # reviewed it; empty for versions issued before reviews were recorded.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    unreviewed_reason = models.TextField(
        "Why it was issued without review", blank=True, max_length=2000
    )

    class Meta:
        ordering = ["release", "major", "minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "major", "minor"], name="ridversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RidVersionKind.values), name="ridversion_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind="draft") & ~Q(minor=0)) | (~Q(kind="draft") & Q(minor=0)),
                name="ridversion_draft_iff_minor",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="baseline") & ~Q(baseline_scope="") & Q(panel_meeting_date__isnull=False)
                )
                | (~Q(kind="baseline") & Q(baseline_scope="")),
                name="ridversion_baseline_records_panel",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("prepared_by")),
                name="ridversion_reviewer_is_not_the_author",
            ),
        ]

    def __str__(self):
        return f"{self.release_id} v{self.number}"

    def get_absolute_url(self):
        return reverse("releases:rid_version", args=[self.release.slug, self.number])

    def frozen_label(self):
        return f"Version {self.number}"

    @property
    def number(self):
        return f"{self.major}.{self.minor}"


class PanelBaseline(models.Model):
    """The Panel baselined a scope of a release's RID at a meeting (domain.md section 13, rules 6
    and 7): the one record the release's baseline dates, its timeline rows, the calendar feed and
    the policy checks (R1, R2) follow once it exists. Before it, the release's baseline dates are
    plans.

    Issuing a baseline RID version records it in the same transaction (rid_version set), as the
    demo does for each of its baselines. panel_baseline_record can also record a baseline whose
    RID is not kept here, without a version (rid_version empty).
    """

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="baselines")
    scope = models.CharField(max_length=6, choices=BaselineScope)
    meeting_date = models.DateField("Panel meeting date", validators=[validate_plausible_date])
    decision = models.TextField("Panel decision", max_length=2000)
    rid_version = models.OneToOneField(
        RidVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_baseline",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["release", "meeting_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "scope"], name="panelbaseline_one_per_scope"
            ),
            models.CheckConstraint(
                condition=Q(scope__in=BaselineScope.values), name="panelbaseline_scope_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} baselined on {self.meeting_date}"


class RidReviewState(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved and issued"
    RETURNED = "returned", "Sent back"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"


class RidReview(models.Model):
    """A RID version proposed by one analyst and reviewed by another before it is issued.

    The proposal (kind, date, Changes text, baseline details) and the hash of the RID value at
    submission are kept; approval issues exactly that, and is refused when the register has
    changed since (the hash differs).
    """

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="rid_reviews")
    kind = models.CharField(max_length=8, choices=RidVersionKind)
    number = models.CharField("Version number proposed", max_length=11)
    date = models.DateField(validators=[validate_plausible_date])
    changes = models.TextField(max_length=2000)
    baseline_scope = models.CharField(max_length=6, choices=BaselineScope, blank=True)
    panel_decision = models.TextField(blank=True, max_length=2000)
    panel_meeting_date = models.DateField(
        null=True, blank=True, validators=[validate_plausible_date]
    )
    rid_hash = models.CharField("SHA-256 of the RID value at submission", max_length=64)
    state = models.CharField(max_length=9, choices=RidReviewState, default=RidReviewState.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField("Reviewer's comments", blank=True, max_length=5000)
    rid_version = models.OneToOneField(
        RidVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release"],
                condition=Q(state="pending"),
                name="ridreview_one_pending_per_release",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RidReviewState.values), name="ridreview_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("submitted_by")),
                name="ridreview_reviewer_is_not_the_author",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "withdrawn"], reviewed_by__isnull=True)
                | (Q(state__in=["approved", "returned"]) & Q(reviewed_by__isnull=False)),
                name="ridreview_reviewed_iff_decided",
            ),
        ]

    def __str__(self):
        return f"review of version {self.number} ({self.state})"


class UpdatePaper(PrintableTextMixin, models.Model):
    """An OPSG "SEC Releases update" paper, generated as of a date for chosen releases."""

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("reference", "title", "purpose", "recommendations", "author", "team")

    reference = models.CharField(max_length=40, help_text="e.g. OPSG_33_0206_15")
    title = models.CharField(max_length=200, default="SEC Releases update")
    classification = models.CharField(
        max_length=5, choices=Classification, default=Classification.WHITE
    )
    as_of = models.DateField("As of", validators=[validate_plausible_date])
    purpose = models.TextField(max_length=5000, blank=True)
    recommendations = models.TextField(max_length=5000, blank=True)
    author = models.CharField(max_length=100)
    team = models.CharField(max_length=100, default="SECAS Team")
    attached_rid = models.ForeignKey(
        RidVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="updatepaper_unique_reference"),
            models.CheckConstraint(
                condition=Q(classification__in=Classification.values),
                name="updatepaper_classification_valid",
            ),
        ]

    def __str__(self):
        return f"{self.reference} \u2013 {self.title}"


class UpdatePaperSection(PrintableTextMixin, models.Model):
    """A release covered by a paper, with the free-text sections the analyst writes for it."""

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("heading", "intro", "commentary", "date_change_text", "next_steps")

    paper = models.ForeignKey(UpdatePaper, on_delete=models.CASCADE, related_name="sections")
    release = models.ForeignKey(
        Release, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="A section about a year's releases (e.g. '2021 SEC Releases') instead of one "
        "release: it lists the DCC System impacting modifications targeted for that year.",
    )
    targeted = models.ManyToManyField(
        Modification,
        blank=True,
        related_name="+",
        verbose_name="Modifications targeted for the year",
        help_text="Candidates not yet in the scope of a release of that year; modifications "
        "already in such a scope are listed anyway.",
    )
    position = models.PositiveSmallIntegerField(default=1)
    heading = models.CharField(
        max_length=200, blank=True, help_text="Defaults to the release name."
    )
    intro = models.TextField(blank=True, max_length=5000)
    commentary = models.TextField("Commentary after the table", blank=True, max_length=10000)
    date_change_text = models.TextField(
        "Request to change the implementation date", blank=True, max_length=10000
    )
    next_steps = models.TextField("Next steps", blank=True, max_length=10000)
    show_system_impacts = models.BooleanField(
        "Show the DCC System impact table (Impacts DUIS? / GBCS? / CH firmware?)", default=False
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "release"], name="updatepapersection_unique"),
            models.UniqueConstraint(
                fields=["paper", "year"],
                condition=Q(year__isnull=False),
                name="updatepapersection_unique_year",
            ),
            models.CheckConstraint(
                condition=(Q(release__isnull=False) & Q(year__isnull=True))
                | (Q(release__isnull=True) & Q(year__isnull=False)),
                name="updatepapersection_release_or_year",
            ),
        ]

    def __str__(self):
        if self.heading:
            return self.heading
        return f"{self.year} SEC Releases" if self.year else str(self.release_id)


class RenderJobKind(models.TextChoices):
    """What a render job makes."""

    RID_DRAFT = "rid_draft", "Draft RID PDF"
    RID_DIFF = "rid_diff", "RID PDF with the changes since an earlier version"
    PAPER = "paper", "OPSG paper PDF"
    RID_ISSUE = "rid_issue", "Issuing a RID version"
    PAPER_ISSUE = "paper_issue", "Issuing an OPSG paper"


class RenderJobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class RenderJob(models.Model):
    """A PDF (or a RID version or OPSG paper being issued) made by the task worker, off the
    request path (releases.jobs). A ready PDF is also the cache of that document: `key` is the
    SHA-256 of what was rendered (the RID value's JSON, two versions' JSON, the paper's print
    HTML) and the renderer, so an unchanged draft is served without rendering it again."""

    kind = models.CharField(max_length=20, choices=RenderJobKind)
    key = models.CharField(max_length=64, blank=True, help_text="Empty for an issue.")
    subject = models.CharField(
        max_length=60, blank=True, help_text="'release:12', 'paper:3': whose document it is."
    )
    filename = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=RenderJobStatus, default=RenderJobStatus.QUEUED)
    source = models.TextField(blank=True, help_text="The print HTML the worker renders.")
    params = models.JSONField(default=dict, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="renderjob_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RenderJobKind.values), name="renderjob_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RenderJobStatus.values), name="renderjob_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "status"], name="renderjob_user_status_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("releases:render_job", args=[self.pk])

    @property
    def is_pending(self):
        return self.status in (RenderJobStatus.QUEUED, RenderJobStatus.RUNNING)


class IssuedPaper(InsertOnly, models.Model):
    """An OPSG paper as issued (sent to the OPSG): its frozen content (the Paper value as JSON),
    PDF bytes and their SHA-256. The paper it was issued from may be edited later; an issue is
    never rebuilt.

    Rows are insert-only: the application never updates or deletes them and database triggers
    (migration releases 0009) refuse it too.
    """

    paper = models.ForeignKey(UpdatePaper, on_delete=models.PROTECT, related_name="issues")
    number = models.PositiveSmallIntegerField(help_text="1 for the first issue of the paper.")
    reference = models.CharField(max_length=40)
    as_of = models.DateField("As of")
    classification = models.CharField(max_length=5, choices=Classification)
    note = models.TextField(
        blank=True, max_length=2000, help_text="e.g. 'Sent to the OPSG for its 2 June meeting'."
    )
    content = models.JSONField()
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["paper", "number"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="issuedpaper_unique_number"),
            models.CheckConstraint(
                condition=Q(classification__in=Classification.values),
                name="issuedpaper_classification_valid",
            ),
        ]

    def __str__(self):
        return f"{self.reference} issue {self.number}"

    def get_absolute_url(self):
        return reverse("releases:issued_paper", args=[self.paper_id, self.number])

    def frozen_label(self):
        return f"Issue {self.number} of {self.reference}"


# Watching releases and being told by email (releases/watch/) ---------------------------------


class Watch(models.Model):
    """A user watching one release, or every release they may read (release empty), to be
    told by email when a RID version is issued, a decision is recorded on a modification in
    its scope, or a decision cut-off is 14 days away."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, null=True, blank=True, related_name="watches"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user", "release__go_live_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "release"],
                condition=Q(release__isnull=False),
                name="watch_unique_release",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(release__isnull=True), name="watch_unique_all"
            ),
        ]

    def __str__(self):
        return f"watch {self.pk}"


class NotificationSettings(models.Model):
    """A user's choice between one email per notification and a daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    daily_digest = models.BooleanField(
        "Send one email a day (a digest) instead of one email per notification", default=False
    )
    last_digest_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return f"notification settings {self.pk}"


class NotificationKind(models.TextChoices):
    RID_ISSUED = "rid_issued", "RID version issued"
    DECISION = "decision", "Decision recorded"
    CUT_OFF = "cut_off", "Decision cut-off in 14 days"


class Notification(models.Model):
    """One thing a user is told, made once (unique key per user) by `manage.py
    send_notifications` and marked sent or refused: the record that makes the command safe to
    run twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=NotificationKind)
    key = models.CharField(
        max_length=100, help_text="e.g. rid:12, decision:55:3, cut_off:7:2020-10-22"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    path = models.CharField(max_length=300, help_text="The page to read, without the site address.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mail server refused the email."
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "refused_at"], name="notification_due_idx")]

    def __str__(self):
        return self.subject
