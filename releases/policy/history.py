"""Rows as they were recorded by the end of a date, from the field history django-simple-history
keeps (secrelease/history.py says why a library rather than the activity trail).

asof.py decides *whether* something was so on a date from dated business facts (decisions,
scope added_on/removed_on, go-live date changes). This module gives the *words and values* the
register held then: a modification's title, path, DUIS/GBCS/CH firmware impacts and footnotes,
its planned Panel, Change Board, Authority and cut-off dates; a scope item's part label, cut-off
and status sentence override; a release's name, baseline dates, test flags and the DCC Change
Requests alongside it, with their titles; the release timeline rows.

The value of a row on a date is its latest history record saved before the end of that day; a
change saved later is not seen. A row the register did not hold by then (entered later with
earlier business dates, or saved before history was kept) is read as it is now: nothing older
is known about it. For a date from today on the rows are read as they are (nothing recorded
later can exist). Timeline rows deleted since the date come back; Change Requests alongside a
release are those of its record then.

Each loader issues one query per model, however many rows or records.
"""

import copy

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from modifications.models import ChangeRequest, Modification
from secrelease.history import end_of_day

from ..models import Release, ScopeItem, TimelineEvent

MODIFICATION_FIELDS = (
    "title",
    "path",
    "impacts_dcc_systems",
    "duis_impact",
    "duis_footnote",
    "gbcs_impact",
    "gbcs_footnote",
    "ch_firmware_impact",
    "ch_firmware_footnote",
    "panel_date",
    "change_board_date",
    "authority_decision_date",
    "cut_off_date",
    "recommend_direct_to_report",
)
SCOPE_ITEM_FIELDS = (
    "part_label",
    "cut_off_date",
    "status_override",
    "exception_reason",
    "added_after_deadline",
)
RELEASE_FIELDS = (
    "name",
    "system_baseline_date",
    "full_baseline_date",
    "pit_required",
    "sit_required",
    "uit_required",
)
CHANGE_REQUEST_FIELDS = ("title", "category")
TIMELINE_FIELDS = ("date", "event", "notes", "kind")


def needs_history(date):
    """Whether rows may have changed since `date` (a date before today)."""
    return date < timezone.localdate()


def _ids(pks):
    """A list for an `__in` lookup that is never empty: Django skips the query of an empty IN,
    and the pages that read history keep a fixed number of queries."""
    return sorted(pks) or [0]


def records_on(model, date, **filters):
    """{pk: history record} of `model` rows matching `filters` (on the history table): each
    row's latest record saved before the end of `date`. Rows recorded only later are not in
    it. One query."""
    history = model.history.model
    end = end_of_day(date)
    later_by_then = history.objects.filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id")),
        id=OuterRef("id"),
        history_date__lt=end,
    )
    queryset = history.objects.filter(history_date__lt=end, **filters).filter(
        ~Exists(later_by_then)
    )
    return {record.id: record for record in queryset}


def as_recorded(instance, record, fields):
    """A copy of `instance` with `fields` as `record` holds them (the instance itself when
    there is no record). The copy is for reading only: never saved."""
    if record is None:
        return instance
    copied = copy.copy(instance)
    for name in fields:
        attname = instance._meta.get_field(name).attname
        setattr(copied, attname, getattr(record, attname))
    return copied


class Recorded:
    """The history records of a set of releases, their scope items, modifications, timeline
    rows and Change Requests on one date (loaded by `load`; empty when no history is needed)."""

    def __init__(self, date):
        self.date = date
        self.active = needs_history(date)
        self.releases = {}
        self.scope_items = {}
        self.modifications = {}
        self.timeline = {}
        self.change_requests = {}
        self.change_request_rows = {}
        self.release_change_request_pks = {}  # {history_id of a release record: {pk}}

    @classmethod
    def load(cls, date, *, releases=None, scope_items=(), modifications=()):
        """History on `date` of these modifications (1 query) and, when `releases` is given, of
        these releases, their scope items, timeline rows and Change Requests (6 more). No
        query for a date from today on."""
        recorded = cls(date)
        if not recorded.active:
            return recorded
        recorded.modifications = records_on(
            Modification, date, id__in=_ids(m.pk for m in modifications)
        )
        if releases is None:
            return recorded
        release_pks = [r.pk for r in releases]
        recorded.releases = records_on(Release, date, id__in=_ids(release_pks))
        recorded.scope_items = records_on(ScopeItem, date, id__in=_ids(i.pk for i in scope_items))
        timeline = records_on(TimelineEvent, date, release_id__in=_ids(release_pks))
        for record in timeline.values():
            recorded.timeline.setdefault(record.release_id, {})[record.id] = record
        links = apps.get_model("releases", "HistoricalRelease_change_requests").objects.filter(
            history_id__in=_ids(r.history_id for r in recorded.releases.values())
        )
        for link in links:
            recorded.release_change_request_pks.setdefault(link.history_id, set()).add(
                link.changerequest_id
            )
        cr_pks = set().union(*recorded.release_change_request_pks.values())
        for release in releases:
            if release.pk not in recorded.releases:
                cr_pks.update(cr.pk for cr in release.change_requests.all())
        rows = ChangeRequest.objects.filter(pk__in=_ids(cr_pks))
        recorded.change_request_rows = {cr.pk: cr for cr in rows}
        recorded.change_requests = records_on(ChangeRequest, date, id__in=_ids(cr_pks))
        return recorded
        release_pks = [r.pk for r in releases]
        recorded.releases = records_on(Release, date, id__in=_ids(release_pks))
        recorded.scope_items = records_on(ScopeItem, date, id__in=_ids(i.pk for i in scope_items))
        recorded.modifications = records_on(
            Modification, date, id__in=_ids(m.pk for m in modifications)
        )
        timeline = records_on(TimelineEvent, date, release_id__in=_ids(release_pks))
        for record in timeline.values():
            recorded.timeline.setdefault(record.release_id, {})[record.id] = record
        links = apps.get_model("releases", "HistoricalRelease_change_requests").objects.filter(
            history_id__in=_ids(r.history_id for r in recorded.releases.values())
        )
        for link in links:
            recorded.release_change_request_pks.setdefault(link.history_id, set()).add(
                link.changerequest_id
            )
        cr_pks = set().union(*recorded.release_change_request_pks.values())
        for release in releases:
            if release.pk not in recorded.releases:
                cr_pks.update(cr.pk for cr in release.change_requests.all())
        rows = ChangeRequest.objects.filter(pk__in=_ids(cr_pks))
        recorded.change_request_rows = {cr.pk: cr for cr in rows}
        recorded.change_requests = records_on(ChangeRequest, date, id__in=_ids(cr_pks))
        return recorded

    def release(self, release):
        return as_recorded(release, self.releases.get(release.pk), RELEASE_FIELDS)

    def scope_item(self, item):
        return as_recorded(item, self.scope_items.get(item.pk), SCOPE_ITEM_FIELDS)

    def modification(self, modification):
        return as_recorded(
            modification, self.modifications.get(modification.pk), MODIFICATION_FIELDS
        )

    def release_change_requests(self, release):
        """The Change Requests alongside `release` then, with their titles then."""
        current = list(release.change_requests.all())
        record = self.releases.get(release.pk)
        if record is None:
            rows = current
        else:
            pks = self.release_change_request_pks.get(record.history_id, set())
            rows = [self.change_request_rows[pk] for pk in pks if pk in self.change_request_rows]
        return [
            as_recorded(cr, self.change_requests.get(cr.pk), CHANGE_REQUEST_FIELDS) for cr in rows
        ]

    def release_timeline(self, release):
        """The timeline rows of `release` then (rows deleted since come back; rows never
        recorded are as they are now)."""
        current = list(release.timeline.all())
        if not self.active:
            return current
        records = self.timeline.get(release.pk, {})
        rows = [row for row in current if row.pk not in records]
        for record in records.values():
            if record.history_type == "-":
                continue
            row = TimelineEvent(id=record.id, release_id=record.release_id)
            rows.append(as_recorded(row, record, TIMELINE_FIELDS))
        return sorted(rows, key=lambda t: (t.date, t.pk))
