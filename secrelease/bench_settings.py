"""Settings for the server `make bench` measures: production settings (secrelease.settings,
from the same environment) with one difference, the URLs, which add the trivial reference view
(secrelease.bench_urls). Never used to serve anything else."""

from .settings import *  # noqa: F403

ROOT_URLCONF = "secrelease.bench_urls"
