"""Settings of the Django example, all from the environment.

    DJANGO_SECRET_KEY       Django's own secret (sessions, CSRF of the admin); jwt_auth signs
                            the tokens with its stored keys, so no token depends on it. Required.
    DJANGO_ALLOWED_HOSTS    comma-separated, default 127.0.0.1,localhost
    DJANGO_DEBUG            1 for debug pages (never in production)
    PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD
                            the database, as libpq reads them. The app serves requests as
                            app_authenticator (schema.sql); migrate and jwt_auth_import_users
                            run as the database's owner.
    JWT_AUTH_ROLE           the role imported users' tokens name, default app_user
"""
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",  # the auth_user table the import command reads
    "django.contrib.contenttypes",
    "rest_framework",
    "notes",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "jwt_auth_site.urls"
WSGI_APPLICATION = "jwt_auth_site.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PGDATABASE", ""),
        "USER": os.environ.get("PGUSER", ""),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
        "HOST": os.environ.get("PGHOST", ""),
        "PORT": os.environ.get("PGPORT", ""),
        # one transaction per request: authenticate()'s SET LOCAL ROLE and claims last until
        # the view's response, and never reach the next request on the same connection
        "ATOMIC_REQUESTS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["notes.authentication.JwtAuthAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}

JWT_AUTH_ROLE = os.environ.get("JWT_AUTH_ROLE", "app_user")
