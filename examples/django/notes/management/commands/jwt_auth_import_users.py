"""manage.py jwt_auth_import_users: Django's users into jwt_auth.

For each row of auth_user: jwt_auth.user_import(username, password hash, role), which takes
Django's hashes as they are (pbkdf2_sha256$..., argon2$..., bcrypt_sha256$...) and re-hashes
each to jwt_auth's scheme at the user's next good login; then, for a user whose is_active is
false, jwt_auth.user_set_disabled(username). A user jwt_auth already has, and one without a
usable password (set_unusable_password), is skipped and named. Each user is imported in a
savepoint, so one refused hash (say, over jwt_auth's cost bounds) does not stop the others; the
command names it and exits non-zero at the end. Run it as the database's owner (a
role that may call user_import); no password or hash is printed.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

UNIQUE_VIOLATION = "23505"


class Command(BaseCommand):
    help = "Import Django's users (usernames, password hashes, is_active) into jwt_auth."

    def add_arguments(self, parser):
        parser.add_argument("--role", default=settings.JWT_AUTH_ROLE,
                            help="the role the imported users' tokens name (default %(default)s)")

    def handle(self, *args, role, **options):
        imported = disabled = skipped = failed = 0
        User = get_user_model()
        for user in User.objects.order_by("pk").iterator():
            name = user.get_username()
            if not user.password or user.password.startswith(UNUSABLE_PASSWORD_PREFIX):
                self.stderr.write(f"skipped {name}: no usable password")
                skipped += 1
                continue
            try:
                with transaction.atomic(), connection.cursor() as cur:
                    cur.execute("SELECT jwt_auth.user_import(%s, %s, %s)", [name, user.password, role])
                    if not user.is_active:
                        cur.execute("SELECT jwt_auth.user_set_disabled(%s, true)", [name])
                        disabled += 1
                imported += 1
            except DatabaseError as e:
                cause = e.__cause__
                if getattr(cause, "pgcode", None) == UNIQUE_VIOLATION:
                    self.stderr.write(f"skipped {name}: already in jwt_auth")
                    skipped += 1
                    continue
                message = getattr(getattr(cause, "diag", None), "message_primary", None) or str(e)
                self.stderr.write(f"refused {name}: {message}")
                failed += 1
        self.stdout.write(f"imported {imported} users ({disabled} disabled), skipped {skipped}")
        if failed:
            raise CommandError(f"{failed} users refused")
