"""manage.py load_demo: load the real demo data (fixtures/demo.py) through the services.

The November 2020, June 2021, November 2021 and February 2022 SEC Releases, the register of
modifications and DCC Change Requests, and the real history replayed in date order with its
effective dates: scope changes and decisions up to the November 2020 go-live (all its final scope
implemented on 29 Nov 2020), the June 2021 RID versions 0.1 to 8.0 issued as the seed's Appendix 1
lists them, and the June 2021 go-live. Every change goes through the same services an analyst
uses, as the demo analyst, so the activity trail and the frozen RID versions are real history.

Every Panel baseline is recorded the way an analyst records one: by issuing the baseline RID
version, which records the PanelBaseline tied to it (November 2020 versions 1.0 and 4.0, June
2021 versions 1.0 and 2.0, November 2021 version 1.0; fixtures/demo.py says where each comes
from). Each issued version lays out its PDF once, as issuing does (its SHA-256 is its proof):
fifteen RID PDFs and the paper's; nothing else is rendered.

Then the demo OPSG paper of 26 May 2020 (fixtures/opsg_paper.py), generated from that history.

Idempotent: the demo users, the glossary and the paper are created only when missing; the register
and the history are loaded in one transaction, and only when the June 2021 release does not exist
yet.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fixtures import demo
from fixtures.opsg_paper import REFERENCE as PAPER_REFERENCE
from fixtures.opsg_paper import create_opsg_paper, issue_opsg_paper
from modifications import services as register
from modifications.models import Decision, DecisionKind, Modification, SECDocument
from releases import services
from releases.models import (
    AcceptanceCriterion,
    DccImpact,
    GlossaryEntry,
    PartyImpact,
    Release,
    RidVersion,
    ScopeItem,
    ScopeState,
    SecasCostLine,
    TimelineEvent,
    UpdatePaper,
)
from releases.rid import services as rid_services
from secrelease.history import recorded_at
from secrelease.text import long_date

PARTICIPANT_FIELDS = {
    "suppliers": "impacts_suppliers",
    "electricity_networks": "impacts_electricity_networks",
    "gas_networks": "impacts_gas_networks",
    "other_sec_parties": "impacts_other_sec_parties",
    "dcc": "impacts_dcc",
}
DEMO_REASON = "Demo data transcribed from the seed documents (fixtures/demo.py)."
DEMO_UNREVIEWED = "demo history replayed from the seed"
MARKER_RELEASE = "june-2021"
MARKER_VERSION = (8, 0)


def _has_the_go_lives():
    """Whether the loaded demo reaches the June 2021 go-live (an older demo stopped at RID
    v8.0, with the November 2020 scope still pending)."""
    go_live = next(r["go_live_date"] for r in demo.RELEASES if r["slug"] == MARKER_RELEASE)
    return Decision.objects.filter(kind=DecisionKind.IMPLEMENT, date=go_live).exists()


class Command(BaseCommand):
    help = (
        "Load the real demo data (November 2020, June 2021 and later releases, their history to "
        "go-live and the June 2021 RID versions) through the services. Running it again changes "
        "nothing."
    )

    def handle(self, *args, **options):
        actor = self._users()
        self._glossary(actor)
        self._history(actor)
        self._paper(actor)

    def _history(self, actor):
        marker = Release.objects.filter(slug=MARKER_RELEASE).first()
        if marker is not None:
            major, minor = MARKER_VERSION
            if marker.rid_versions.filter(major=major, minor=minor).exists():
                self.stdout.write("Demo history already loaded: nothing to do.")
                if not _has_the_go_lives():
                    self.stdout.write(
                        self.style.WARNING(
                            "This demo was loaded by an older load_demo that stopped before the "
                            "November 2020 go-live. Load it into an empty database to get the "
                            "history up to the June 2021 go-live."
                        )
                    )
            else:
                self.stdout.write(
                    self.style.WARNING(
                        "The June 2021 release exists without RID version 8.0 (loaded before "
                        "the RID versions could be issued, or edited by hand). The demo history "
                        "is left as it is; load it into an empty database to replay it."
                    )
                )
            return
        with transaction.atomic():
            loader = HistoryLoader(actor=actor, stdout=self.stdout, style=self.style)
            loader.load()
        self.stdout.write(self.style.SUCCESS(loader.summary()))

    def _paper(self, actor):
        if UpdatePaper.objects.filter(reference=PAPER_REFERENCE).exists():
            return
        if not Release.objects.filter(slug="november-2020").exists():
            return
        paper = create_opsg_paper(actor=actor)
        self.stdout.write(f"OPSG paper {paper.reference} created (as of {long_date(paper.as_of)}).")
        issued = issue_opsg_paper(actor=actor, paper=paper)
        self.stdout.write(f"OPSG paper {paper.reference} issued (issue {issued.number}).")

    # Demo users and glossary: each created only when missing --------------------------------

    def _users(self):
        User = get_user_model()
        actor = None
        for spec in demo.USERS:
            user, created = User.objects.get_or_create(
                username=spec["username"],
                defaults={
                    "first_name": spec["first_name"],
                    "last_name": spec["last_name"],
                    "email": spec.get("email", ""),
                },
            )
            if created:
                user.set_password(spec["password"])
                user.save(update_fields=["password"])
                self.stdout.write(f"Demo user {user.username} created (password: demo).")
            group, _ = Group.objects.get_or_create(name=spec["group"])
            user.groups.add(group)
            if spec["username"] == demo.ACTOR:
                actor = user
        return actor

    def _glossary(self, actor):
        existing = set(GlossaryEntry.objects.values_list("acronym", flat=True))
        added = 0
        for acronym, full_term in demo.GLOSSARY:
            if acronym not in existing:
                services.glossary_entry_save(
                    actor=actor, acronym=acronym, full_term=full_term, reason=DEMO_REASON
                )
                added += 1
        if added:
            self.stdout.write(f"Glossary: {added} entries added.")


class HistoryLoader:
    """Creates the releases and the register, then replays demo.HISTORY in date order."""

    def __init__(self, *, actor, stdout, style):
        self.actor = actor
        self.stdout = stdout
        self.style = style
        self.releases = {}
        self.counts = {"decisions": 0, "scope changes": 0, "RID versions": 0}

    def load(self):
        """The set-up is recorded in the field history as of the first step's date and each
        step as of its own date (secrelease.history.recorded_at), so that a document as of a
        past date reads what the demo register held then."""
        steps = demo.HISTORY
        if [s[0] for s in steps] != sorted(s[0] for s in steps):
            raise CommandError("fixtures/demo.py: HISTORY must be written in date order.")
        with recorded_at(steps[0][0]):
            self._releases()
            self._change_requests()
            self._modifications()
        for date, action, details in steps:
            with recorded_at(date):
                getattr(self, f"_step_{action}")(date, **details)

    def summary(self):
        parts = ", ".join(f"{n} {label}" for label, n in self.counts.items())
        return (
            f"Demo loaded: {len(self.releases)} releases, {len(demo.MODIFICATIONS)} "
            f"modifications, {parts}."
        )

    # Set-up ------------------------------------------------------------------------------------

    def _releases(self):
        for spec in demo.RELEASES:
            release = services.release_create(actor=self.actor, reason=DEMO_REASON, **spec)
            self.releases[release.slug] = release
            for row in demo.TIMELINE.get(release.slug, []):
                services.release_part_save(
                    actor=self.actor,
                    release=release,
                    model=TimelineEvent,
                    reason=DEMO_REASON,
                    **row,
                )
            for row in demo.SECAS_COSTS.get(release.slug, []):
                services.release_part_save(
                    actor=self.actor,
                    release=release,
                    model=SecasCostLine,
                    reason=DEMO_REASON,
                    **row,
                )
            for position, text in enumerate(demo.ACCEPTANCE_CRITERIA.get(release.slug, []), 1):
                services.release_part_save(
                    actor=self.actor,
                    release=release,
                    model=AcceptanceCriterion,
                    reason=DEMO_REASON,
                    position=position,
                    text=text,
                )

    def _change_requests(self):
        for slug, rows in demo.CHANGE_REQUESTS.items():
            for reference, title in rows:
                change_request = register.change_request_create(
                    actor=self.actor,
                    reference=reference,
                    title=title,
                    category=demo.CHANGE_REQUEST_CATEGORY,
                    reason=DEMO_REASON,
                )
                services.release_change_request_add(
                    actor=self.actor,
                    release=self.releases[slug],
                    change_request=change_request,
                    reason="Expected to be implemented alongside this SEC Release (OPSG paper of "
                    "26 May 2020, section 2.1).",
                )

    def _modifications(self):
        documents = {(doc.kind, doc.code): doc for doc in SECDocument.objects.all()}
        for spec in demo.MODIFICATIONS:
            fields = dict(spec)
            reference = fields.pop("reference")
            for participant in fields.pop("participants", []):
                fields[PARTICIPANT_FIELDS[participant]] = True
            sec_documents = [documents[key] for key in fields.pop("sec_documents", [])]
            register.modification_create(
                actor=self.actor,
                reference=reference,
                sec_documents=sec_documents,
                reason=DEMO_REASON,
                **fields,
            )

    # Lookups -------------------------------------------------------------------------------------

    def _modification(self, ref):
        modification = Modification.objects.filter(reference=ref).first()
        if modification is None:
            modification = Modification.objects.filter(former_references__reference=ref).first()
        if modification is None:
            raise CommandError(f"fixtures/demo.py names {ref}, which is not in the register.")
        return modification

    def _scope_item(self, release_slug, ref):
        modification = self._modification(ref)
        item = ScopeItem.objects.filter(
            release=self.releases[release_slug],
            modification=modification,
            state=ScopeState.IN_SCOPE,
        ).first()
        if item is None:
            raise CommandError(f"{ref} is not in the scope of {release_slug} at that point.")
        return item

    # Steps -------------------------------------------------------------------------------------

    def _step_scope_add(self, date, *, release, ref, reason, part_label="", exception_reason=""):
        services.scope_add(
            actor=self.actor,
            release=self.releases[release],
            modification=self._modification(ref),
            added_on=date,
            reason=reason,
            part_label=part_label,
            exception_reason=exception_reason,
        )
        self.counts["scope changes"] += 1

    def _step_decide(self, date, *, ref, kind, notes=""):
        services.decision_record(
            actor=self.actor,
            modification=self._modification(ref),
            kind=kind,
            date=date,
            notes=notes,
        )
        self.counts["decisions"] += 1

    def _step_fall_out(self, date, *, release, ref, reason, to_release=None):
        item = self._scope_item(release, ref)
        if to_release:
            services.scope_move(
                actor=self.actor,
                item=item,
                to_release=self.releases[to_release],
                moved_on=date,
                reason=reason,
                fell_out=True,
            )
        else:
            services.scope_fall_out(actor=self.actor, item=item, fell_out_on=date, reason=reason)
        self.counts["scope changes"] += 1

    def _step_party_impact(self, date, *, release, participant, lines):
        row = PartyImpact.objects.get(release=self.releases[release], participant=participant)
        services.release_part_save(
            actor=self.actor,
            release=self.releases[release],
            model=PartyImpact,
            instance=row,
            reason=DEMO_REASON,
            summary="\n".join(lines),
        )

    def _step_dcc_impact(self, date, *, release, area, lines):
        release = self.releases[release]
        services.release_part_save(
            actor=self.actor,
            release=release,
            model=DccImpact,
            reason=DEMO_REASON,
            position=release.dcc_impacts.count() + 1,
            area=area,
            summary="\n".join(lines),
        )

    def _step_rid(
        self,
        date,
        *,
        release,
        number,
        kind,
        changes,
        baseline_scope="",
        panel_meeting_date=None,
        panel_decision="",
    ):
        version = rid_services.rid_issue_version(
            actor=self.actor,
            release=self.releases[release],
            kind=kind,
            date=date,
            changes=changes,
            baseline_scope=baseline_scope,
            panel_decision=panel_decision,
            panel_meeting_date=panel_meeting_date,
            unreviewed_reason=DEMO_UNREVIEWED,
        )
        if isinstance(version, RidVersion) and version.number != number:
            raise CommandError(
                f"The RID of {release} was issued as version {version.number}; the seed says "
                f"{number}."
            )
        self.counts["RID versions"] += 1
