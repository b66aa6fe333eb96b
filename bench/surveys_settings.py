"""Settings of the survey submission benchmark's server: production settings with the benchmark's URLconf, which
adds the reference view (bench/surveys_urls.py) to the project's own URLs."""

from shokuba.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.surveys_urls"

# No collectstatic in the benchmark's scratch set-up: plain static storage, so refusal pages render without a manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
