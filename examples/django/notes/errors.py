"""simplejwt's error answers, raised from jwt_auth's SQLSTATEs.

A client written for simplejwt reads the same status and body: 401 with "detail", and "code"
("token_not_valid") for a refused token. Nothing here checks a token or a password.
"""
from rest_framework import exceptions, status

INVALID_PASSWORD = "28P01"  # auth_login: invalid username or password (or a disabled user)
INVALID_AUTHORIZATION = "28000"  # a bad, expired or revoked token; a bad or reused refresh token


def sqlstate(error):
    """The SQLSTATE of a database error Django raised (psycopg2's, kept as __cause__)."""
    return getattr(error.__cause__, "pgcode", None)


class NoActiveAccount(exceptions.AuthenticationFailed):
    """POST /api/token/ with a wrong password, an unknown or a disabled user."""
    default_detail = "No active account found with the given credentials"
    default_code = "no_active_account"


class InvalidToken(exceptions.AuthenticationFailed):
    """A refused access or refresh token: {"detail": ..., "code": "token_not_valid"}."""
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Token is invalid or expired"
    default_code = "token_not_valid"

    def __init__(self, detail=None, messages=None):
        body = {"detail": detail or self.default_detail, "code": self.default_code}
        if messages is not None:
            body["messages"] = messages
        super().__init__(body)
