"""WSGI entry point: gunicorn jwt_auth_site.wsgi:application"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jwt_auth_site.settings")
application = get_wsgi_application()
