"""Settings of the survey submission benchmark's server: production settings with the benchmark's URLconf, which
adds the reference view (bench/surveys_urls.py) to the project's own URLs."""

from shokuba.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.surveys_urls"
