"""The register: Modification Proposals, DCC Change Requests, the SEC document catalogue,
decisions and the activity trail. This app knows nothing about releases."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from secrelease.printable import PrintableTextMixin
from secrelease.text import quoted_label
from secrelease.validators import validate_plausible_date

from .references import CHANGE_REQUEST_REFERENCE_REGEX, MODIFICATION_REFERENCE_REGEX


class SECDocumentKind(models.TextChoices):
    """Which part of the SEC a document is."""

    SECTION = "section", "Section"
    SCHEDULE = "schedule", "Schedule"
    APPENDIX = "appendix", "Appendix"


class SECDocumentQuerySet(models.QuerySet):
    def in_force(self):
        """Documents not retired: the ones offered for a modification."""
        return self.filter(retired_on__isnull=True)

    def offered_for(self, cited=()):
        """The documents a form offers: those in force, plus the retired ones in `cited` (the
        pks a modification already cites, which stay on it)."""
        return self.filter(Q(retired_on__isnull=True) | Q(pk__in=list(cited)))


class SECDocument(PrintableTextMixin, models.Model):
    """A Section, Schedule or Appendix of the Smart Energy Code (catalogue, domain.md 3.6).

    Analysts keep the catalogue through modifications.services (sec_document_create, _update,
    _retire, _reinstate). A retired document is no longer part of the SEC: it stays on the
    modifications and issued RID versions that cited it but is not offered for new ones.
    """

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("title",)

    kind = models.CharField(max_length=10, choices=SECDocumentKind)
    code = models.CharField(max_length=3, help_text="Letter(s) or number, e.g. H, 8, AD.")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(
        help_text="Listing order: Sections, then Schedules, then Appendices (X, Y before AA)."
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="For analysts, e.g. where the title comes from or what is still to check.",
    )
    retired_on = models.DateField(
        "Retired on",
        null=True,
        blank=True,
        help_text="The date it stopped being part of the SEC; empty while it is in force.",
        validators=[validate_plausible_date],
    )

    objects = SECDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="secdocument_unique_kind_code"),
            models.CheckConstraint(
                condition=Q(kind__in=SECDocumentKind.values),
                name="secdocument_kind_valid",
            ),
        ]

    def __str__(self):
        return quoted_label(self.label, self.title)

    @property
    def label(self):
        return f"{self.get_kind_display()} {self.code}"

    @property
    def is_retired(self):
        return self.retired_on is not None


class ImpactValue(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    TBC = "tbc", "TBC"


class Impacts(models.Model):
    """The impact fields a Modification and a part of it in a release (releases.ScopeItem with
    own_impacts) both have: DCC Systems (DUIS, GBCS, CH firmware, each with a TBC footnote) and
    the SEC Parties (domain.md 3.4). Declared once here; IMPACT_FIELDS names them."""

    impacts_dcc_systems = models.BooleanField("Impacts DCC Systems", default=False)
    duis_impact = models.CharField(
        "Impacts DUIS", max_length=3, choices=ImpactValue, default=ImpactValue.NO
    )
    duis_footnote = models.CharField("DUIS footnote", max_length=300, blank=True)
    gbcs_impact = models.CharField(
        "Impacts GBCS", max_length=3, choices=ImpactValue, default=ImpactValue.NO
    )
    gbcs_footnote = models.CharField("GBCS footnote", max_length=300, blank=True)
    ch_firmware_impact = models.CharField(
        "Impacts CH firmware", max_length=3, choices=ImpactValue, default=ImpactValue.NO
    )
    ch_firmware_footnote = models.CharField("CH firmware footnote", max_length=300, blank=True)
    impacts_suppliers = models.BooleanField("Suppliers", default=False)
    impacts_electricity_networks = models.BooleanField("Electricity Networks", default=False)
    impacts_gas_networks = models.BooleanField("Gas Networks", default=False)
    impacts_other_sec_parties = models.BooleanField("Other SEC Parties", default=False)
    impacts_dcc = models.BooleanField("DCC", default=False)

    class Meta:
        abstract = True


#: The names of the Impacts fields, in order: the one list the services and forms of both apps use.
IMPACT_FIELDS = [field.name for field in Impacts._meta.fields]


class Path(models.TextChoices):
    PATH_1 = "path1", "Path 1: Authority-led"
    PATH_2 = "path2", "Path 2: Authority Determination"
    PATH_3 = "path3", "Path 3: Self-Governance"
    FAST_TRACK = "fast_track", "Fast-Track"
    URGENT = "urgent", "Urgent"


class Status(models.TextChoices):
    DEVELOPMENT = "development", "Development Stage"
    REFINEMENT = "refinement", "Refinement Process"
    REPORT_PHASE = "report_phase", "Report Phase"
    CHANGE_BOARD = "change_board", "Awaiting Change Board vote"
    WITH_AUTHORITY = "with_authority", "With the Authority"
    APPROVED = "approved", "Approved"
    IMPLEMENTED = "implemented", "Implemented"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


TERMINAL_STATUSES = frozenset({Status.IMPLEMENTED, Status.REJECTED, Status.WITHDRAWN})
APPROVED_STATUSES = frozenset({Status.APPROVED, Status.IMPLEMENTED})


class ModificationQuerySet(models.QuerySet):
    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        compact = text.replace(" ", "").upper()
        return self.filter(
            Q(reference__icontains=compact)
            | Q(title__icontains=text)
            | Q(former_references__reference__icontains=compact)
        ).distinct()

    def in_register_order(self):
        """SECMP0062 before MP080 before DP124: numeric part, then split letter."""
        return self.order_by("number", "suffix", "reference")


class StatusQuestions:
    """is_approved / is_terminal from `self.status`: shared by the Modification row and the
    plain values that describe a modification as it stood on a date (releases.policy.asof)."""

    @property
    def is_approved(self):
        return self.status in APPROVED_STATUSES

    @property
    def is_terminal(self):
        return self.status in TERMINAL_STATUSES


class Modification(PrintableTextMixin, StatusQuestions, Impacts):
    """A Modification Proposal (or Draft Proposal); one row keeps its number from DP to MP."""

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = (
        "title",
        "rid_summary",
        "duis_footnote",
        "gbcs_footnote",
        "ch_firmware_footnote",
    )

    reference = models.CharField(max_length=10)
    number = models.PositiveIntegerField(editable=False)
    suffix = models.CharField(max_length=1, blank=True, editable=False)
    title = models.CharField(max_length=300)
    rid_summary = models.CharField(
        "RID summary",
        max_length=1000,
        blank=True,
        help_text="One sentence for the RID scope, starting with 'will', e.g. "
        "'will insert guidance in SEC Appendix I ...'.",
    )
    path = models.CharField(max_length=12, choices=Path, default=Path.PATH_3)
    status = models.CharField(max_length=16, choices=Status, default=Status.DEVELOPMENT)
    sec_documents = models.ManyToManyField(
        SECDocument, blank=True, related_name="modifications", verbose_name="SEC documents"
    )

    date_raised = models.DateField(null=True, blank=True, validators=[validate_plausible_date])
    panel_date = models.DateField(
        "Panel date",
        null=True,
        blank=True,
        help_text="Next (or last) Panel meeting for it.",
        validators=[validate_plausible_date],
    )
    change_board_date = models.DateField(
        "Change Board vote", null=True, blank=True, validators=[validate_plausible_date]
    )
    authority_decision_date = models.DateField(
        "Authority decision expected", null=True, blank=True, validators=[validate_plausible_date]
    )
    recommend_direct_to_report = models.BooleanField(
        "Recommend it proceeds directly to the Report Phase",
        default=False,
        help_text="For a Draft Proposal: SECAS will recommend to the Panel that it proceeds "
        "directly to the Report Phase (worded so in the OPSG paper).",
    )
    cut_off_date = models.DateField(
        "Decision cut-off",
        null=True,
        blank=True,
        help_text="Latest decision date for it to stay in its targeted release.",
        validators=[validate_plausible_date],
    )
    web_url = models.URLField("Public web page", max_length=300, blank=True)
    proposer = models.CharField(max_length=200, blank=True)
    lead_analyst = models.CharField(max_length=200, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ModificationQuerySet.as_manager()
    # Every saved state, for documents as of a past date (releases/policy/history.py).
    history = HistoricalRecords()

    class Meta:
        ordering = ["number", "suffix", "reference"]
        # The register list reads 25 rows at a time in register order, filtered by status or by
        # DCC System impact: each index gives those rows in order without sorting the register
        # (selectors.modification_register; EXPLAIN ANALYZE at 10,000 rows in the README).
        indexes = [
            models.Index(
                fields=["number", "suffix", "reference"], name="modification_register_idx"
            ),
            models.Index(fields=["status", "number", "suffix"], name="modification_status_idx"),
            models.Index(
                fields=["impacts_dcc_systems", "number", "suffix"], name="modification_dcc_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="modification_unique_reference"),
            models.CheckConstraint(
                condition=Q(reference__regex=MODIFICATION_REFERENCE_REGEX),
                name="modification_reference_format",
            ),
            models.CheckConstraint(
                condition=Q(path__in=Path.values), name="modification_path_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="modification_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(duis_impact__in=ImpactValue.values)
                & Q(gbcs_impact__in=ImpactValue.values)
                & Q(ch_firmware_impact__in=ImpactValue.values),
                name="modification_system_impact_valid",
            ),
        ]

    def __str__(self):
        return quoted_label(self.reference, self.title)

    def get_absolute_url(self):
        return reverse("modifications:modification_detail", args=[self.reference])

    @property
    def is_draft_proposal(self):
        return self.reference.startswith("DP")

    @property
    def participant_impacts(self):
        """The five RID participant columns, in the RID's fixed order."""
        return [
            self.impacts_suppliers,
            self.impacts_electricity_networks,
            self.impacts_gas_networks,
            self.impacts_other_sec_parties,
            self.impacts_dcc,
        ]


PARTICIPANT_COLUMNS = [
    ("impacts_suppliers", "Suppliers"),
    ("impacts_electricity_networks", "Electricity Networks"),
    ("impacts_gas_networks", "Gas Networks"),
    ("impacts_other_sec_parties", "Other SEC Parties"),
    ("impacts_dcc", "DCC"),
]


class FormerReference(models.Model):
    """A reference a modification used to have (DP124 after conversion to MP124), still findable."""

    modification = models.ForeignKey(
        Modification, on_delete=models.CASCADE, related_name="former_references"
    )
    reference = models.CharField(max_length=10)
    until = models.DateField(
        help_text="Date the modification stopped using this reference.",
        validators=[validate_plausible_date],
    )

    class Meta:
        ordering = ["until"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="formerreference_unique_reference"),
            models.CheckConstraint(
                condition=Q(reference__regex=MODIFICATION_REFERENCE_REGEX),
                name="formerreference_reference_format",
            ),
        ]

    def __str__(self):
        return self.reference


class DecisionKind(models.TextChoices):
    """Every decision the lifecycle knows (domain.md 4.3). The transition table is in
    modifications.lifecycle."""

    CONVERT = "convert", "Panel converts the Draft Proposal to a Modification Proposal"
    DIRECT_TO_REPORT = "direct_to_report", "Panel sends the Draft Proposal directly to Report Phase"
    FAST_TRACK = "fast_track", "Panel approves as a Fast-Track Modification"
    REPORT_READY = "report_ready", "Refinement complete: Modification Report prepared"
    REPORT_APPROVED = "report_approved", "Panel approves the Modification Report for a vote"
    CB_APPROVE = "cb_approve", "Change Board approves (Self-Governance)"
    CB_REJECT = "cb_reject", "Change Board rejects (Self-Governance)"
    CB_RECOMMEND_APPROVE = "cb_recommend_approve", "Change Board recommends approval"
    CB_RECOMMEND_REJECT = "cb_recommend_reject", "Change Board recommends rejection"
    AUTHORITY_APPROVE = "authority_approve", "Authority approves"
    AUTHORITY_REJECT = "authority_reject", "Authority rejects"
    AUTHORITY_SEND_BACK = "authority_send_back", "Authority sends back"
    WITHDRAW = "withdraw", "Proposer withdraws"
    IMPLEMENT = "implement", "Implemented at release go-live"


class DecisionBody(models.TextChoices):
    PANEL = "panel", "Panel"
    CHANGE_BOARD = "change_board", "Change Board"
    AUTHORITY = "authority", "Authority"
    PROPOSER = "proposer", "Proposer"
    SECAS = "secas", "SECAS"


class DecisionQuerySet(models.QuerySet):
    def standing(self):
        """Decisions not corrected: the ones the lifecycle replays. A decision recorded in error
        is marked corrected (never deleted) and counts for nothing but the history."""
        return self.filter(corrected_at__isnull=True)


class Decision(models.Model):
    """A dated decision on a modification. The status of a modification on any date is the
    result of its standing decisions dated on or before that date.

    A decision recorded in error is corrected, not deleted: corrected_at/by/correction_reason
    say when, by whom and why (releases.services.decision_correct), and it leaves the replay.
    """

    modification = models.ForeignKey(
        Modification, on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(max_length=24, choices=DecisionKind)
    body = models.CharField(max_length=16, choices=DecisionBody)
    date = models.DateField(validators=[validate_plausible_date])
    from_status = models.CharField(max_length=16, choices=Status)
    to_status = models.CharField(max_length=16, choices=Status)
    reference_before = models.CharField(max_length=10)
    reference_after = models.CharField(max_length=10)
    notes = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    corrected_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was marked as recorded in error."
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    correction_reason = models.TextField(blank=True, max_length=2000)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrected_at__isnull=True, corrected_by__isnull=True)
                | Q(corrected_at__isnull=False, corrected_by__isnull=False),
                name="decision_corrected_at_and_by_together",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="decision_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(body__in=DecisionBody.values), name="decision_body_valid"
            ),
            models.CheckConstraint(
                condition=Q(from_status__in=Status.values) & Q(to_status__in=Status.values),
                name="decision_statuses_valid",
            ),
        ]

    def __str__(self):
        return f"{self.reference_after}: {self.get_kind_display()} on {self.date:%d %b %Y}"

    @property
    def is_corrected(self):
        return self.corrected_at is not None


class ChangeRequest(PrintableTextMixin, models.Model):
    """A DCC Change Request, implemented alongside a release but never part of it (R8)."""

    #: Text that reaches the RID and OPSG paper PDFs (secrelease.printable).
    pdf_text_fields = ("title",)

    reference = models.CharField(max_length=8)
    title = models.CharField(max_length=300)
    category = models.CharField(
        max_length=100, default="DCC BEIS Mandated Change Request", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["reference", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference="CRTBC"),
                name="changerequest_unique_reference",
            ),
            models.CheckConstraint(
                condition=Q(reference__regex=CHANGE_REQUEST_REFERENCE_REGEX),
                name="changerequest_reference_format",
            ),
        ]

    def __str__(self):
        return quoted_label(self.reference, self.title)

    def get_absolute_url(self):
        return reverse("modifications:change_request_detail", args=[self.pk])


class EventQuerySet(models.QuerySet):
    def about(self, obj):
        """Events whose subject is obj (a release, a modification, a change request...)."""
        return self.filter(subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk)

    def for_modification(self, modification):
        return self.filter(
            Q(modification=modification)
            | Q(
                subject_type=ContentType.objects.get_for_model(Modification),
                subject_id=modification.pk,
            )
        )


class Event(models.Model):
    """One entry of the activity trail: who, when, what and why. Written only by services, in the
    same transaction as the change it describes; never edited."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60)
    summary = models.CharField(max_length=500)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    effective_date = models.DateField(
        null=True,
        blank=True,
        help_text="The business date of the change (decision date...).",
        validators=[validate_plausible_date],
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    modification = models.ForeignKey(
        Modification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text="The modification this event concerns, when its subject is something else.",
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="event_subject_idx")]

    def __str__(self):
        return self.summary


class Revision(models.Model):
    """How far the register has moved: one row whose `number` goes up once after each
    transaction that recorded a change in the activity trail (services.event_record, on
    commit). Pages built from the data are cached under it (selectors.register_revision,
    secrelease.caching): a recorded change gives every such page a new key."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"revision {self.number}"
