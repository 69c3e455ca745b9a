"""The release-management policy wing: the rules as pure functions (rules.py, domain.md section 5),
releases and modifications as they stood on a date (asof.py), the dashboard and lapsing to a
fall-back release (views.py, forms.py) and the iCalendar feeds (feeds.py).
Templates: templates/releases/policy/."""
