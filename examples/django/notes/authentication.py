"""A DRF authentication class that leaves the token to jwt_auth.

It calls jwt_auth.authenticate(token) on the request's connection, inside the request's
transaction (ATOMIC_REQUESTS): jwt_auth verifies the signature, the expiry and the session, does
SET LOCAL ROLE to the token's role and makes its claims the request's, so the views' queries run
under row-level security as that user (jwt_auth.uid()). It all ends with the transaction.
"""
import json

from django.db import DatabaseError, connection, transaction
from rest_framework import authentication, exceptions

from .errors import INVALID_AUTHORIZATION, InvalidToken, sqlstate

KEYWORD = "Bearer"


class JwtAuthUser:
    """request.user: the token's subject as jwt_auth verified it (no Django user row)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, claims):
        self.claims = claims
        self.uid = claims.get("sub")

    def __str__(self):
        return str(self.uid)


class JwtAuthAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1") != KEYWORD:
            return None  # not ours: IsAuthenticated answers 401 "not provided"
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Authorization header must contain two space-delimited values",
                code="bad_authorization_header")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise self.invalid()
        try:
            # a savepoint: a refused token rolls back to it, and DRF rolls back the rest
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SELECT jwt_auth.authenticate(%s)", [token])
                claims = json.loads(cur.fetchone()[0])  # Django hands jsonb over as text
        except DatabaseError as e:
            if sqlstate(e) == INVALID_AUTHORIZATION:
                raise self.invalid()
            raise
        return JwtAuthUser(claims), claims

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'

    @staticmethod
    def invalid():
        return InvalidToken("Given token not valid for any token type", messages=[
            {"token_class": "AccessToken", "token_type": "access",
             "message": "Token is invalid or expired"}])
