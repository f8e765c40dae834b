#!/usr/bin/python3
"""Django's command-line utility for the jwt_auth example (runserver, migrate, jwt_auth_import_users)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jwt_auth_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
