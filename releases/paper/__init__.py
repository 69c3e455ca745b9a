"""The OPSG "SEC Releases update" paper wing: the value, its status sentences and its build
(document.py), writing papers (services.py), print HTML and PDF (render.py), forms (forms.py),
pages (views.py) and URLs (urls.py). Templates: templates/releases/paper/."""
