"""Test settings: fast hashing, in-memory cache, private files in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PRIVATE_FILES_DIR = Path(tempfile.mkdtemp(prefix="shokuba-private-"))
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ESTAT_APP_ID = "test-app-id"
# WhiteNoise warns about a missing STATIC_ROOT; tests serve static files from the finders instead.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="shokuba-static-"))
WHITENOISE_USE_FINDERS = True
