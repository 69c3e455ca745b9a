"""Watching releases and notifications: who watches what (services.py), the emails `manage.py
send_notifications` sends (one per notification, or a daily digest), the Atom feed of a
release's issued versions and decisions (feeds.py), the watch page (forms.py, views.py,
urls.py). Templates: templates/releases/watch/."""
