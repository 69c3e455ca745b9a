"""The Release Implementation Document (RID) wing: the value and its build (document.py), issuing
versions and drafting their Changes text (services.py), the diff between two versions (diff.py),
print HTML and PDF (render.py), the issue form (forms.py), pages (views.py) and URLs (urls.py).
Templates: templates/releases/rid/."""
