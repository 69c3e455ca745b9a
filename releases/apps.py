from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "SEC releases"

    def ready(self):
        # Connects the receiver that dates history records replayed by the demo loader.
        from secrelease import history  # noqa: F401
