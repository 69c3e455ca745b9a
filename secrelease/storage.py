"""Static files storage for production (settings.STORAGES["staticfiles"])."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage with url() remembered per name: the manifest is
    read once per process, so a name's URL cannot change while the process runs, yet Django
    looks it up, quotes and joins it again on every {% static %} (seven on each page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        """The hashed URL of `name` (str), e.g. "/static/css/app.3f2a9c1b.css". Raises
        ValueError, as Django does, for a name missing from the manifest."""
        if force:
            return super().url(name, force=True)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
