"""Settings for the test suite: the real settings, with test-only defaults for what a
deployment must set. Tests run on PostgreSQL (DATABASE_URL, set by `make test`)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bureau")
os.environ.pop("REDIS_URL", None)  # tasks run eagerly unless a test starts a worker itself

from bureau.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
