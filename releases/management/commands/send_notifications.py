"""manage.py send_notifications: tell the watchers of releases what is due, by email.

Makes the notifications that are due (RID versions issued, decisions recorded in a watched
release's scope, decision cut-offs 14 days away), then sends those not yet sent: one email each,
or one digest a day for users who chose it. Safe to run twice or at the same time: each
notification is made once and sent once. An address the mail server refuses for good (it
bounces: an SMTP 5yz reply) is logged and recorded on the notification, and the other emails
still go; a temporary refusal (4yz) is tried again on the next run. When the mail server cannot
take email (down, unreachable, our login or sender refused) the run stops, says so on stderr and
in the log, and every email waits for the next run. The command itself does not fail on a mail
error. Run it from cron, e.g. every 15 minutes:

    */15 * * * *  cd /srv/secrelease && .venv/bin/python manage.py send_notifications
"""

from django.core.management.base import BaseCommand

from releases.watch import services


class Command(BaseCommand):
    help = (
        "Email the watchers of releases what is due (issued RID versions, decisions, cut-offs "
        "14 days away); each notification once. Safe to run twice."
    )

    def handle(self, *args, **options):
        made = services.notifications_collect()
        counts = services.notifications_send()
        self.stdout.write(
            f"{made} new notification{'s' if made != 1 else ''}; emails sent: {counts['sent']}, "
            f"refused: {counts['refused']}, to try again: {counts['deferred']}; held for "
            f"tomorrow's digest: {counts['waiting']}."
        )
        if counts["server_error"]:
            self.stderr.write(
                "The mail server cannot take email now "
                f"({counts['server_error']}): the emails not sent wait for the next run."
            )
