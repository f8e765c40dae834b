"""simplejwt itself, on the example's project: the reference test/django compares jwt_auth's
answers with. Same database (Django's tables), same environment; tokens by simplejwt
(rotation and blacklisting on, as jwt_auth rotates and revokes)."""
from datetime import timedelta

from jwt_auth_site.settings import *  # noqa: F401,F403  the example's settings, then simplejwt's

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
]
ROOT_URLCONF = "reference.urls"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}
