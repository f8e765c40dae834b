"""simplejwt's views, answered by jwt_auth's SQL functions.

    POST /api/token/          username, password      -> 200 {"access", "refresh"} | 401
    POST /api/token/refresh/  refresh                 -> 200 {"access", "refresh"} | 401
    GET  /api/notes/          Authorization: Bearer   -> 200 {"user", "notes"}     | 401

jwt_auth rotates refresh tokens, so a refresh answers a new refresh token too (simplejwt's
ROTATE_REFRESH_TOKENS), and an old one used again revokes its session.
"""
import json

from django.db import DatabaseError, connection, transaction
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import INVALID_AUTHORIZATION, INVALID_PASSWORD, InvalidToken, NoActiveAccount, sqlstate


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


def call(function, *args):
    """SELECT jwt_auth.<function>(args) in a savepoint of the request's transaction; its jsonb
    decoded (Django has psycopg2 hand jsonb over as text)."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SELECT jwt_auth.{function}({', '.join(['%s'] * len(args))})", list(args))
        return json.loads(cur.fetchone()[0])


def pair(result):
    """auth_login's or auth_refresh's jsonb in simplejwt's shape."""
    return Response({"refresh": result["refresh_token"], "access": result["access_token"]})


class TokenView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get_authenticate_header(self, request):  # a 401 stays a 401, as in simplejwt
        return 'Bearer realm="api"'


class TokenObtainPairView(TokenView):
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            return pair(call("auth_login", data.validated_data["username"],
                             data.validated_data["password"]))
        except DatabaseError as e:
            if sqlstate(e) == INVALID_PASSWORD:
                raise NoActiveAccount()
            raise


class TokenRefreshView(TokenView):
    def post(self, request):
        data = RefreshSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            return pair(call("auth_refresh", data.validated_data["refresh"]))
        except DatabaseError as e:
            if sqlstate(e) == INVALID_AUTHORIZATION:
                raise InvalidToken()
            raise


class NotesView(APIView):
    """The caller's notes: the table's row-level security shows each user only their own."""

    def get(self, request):
        with connection.cursor() as cur:
            cur.execute("SELECT id, body FROM notes ORDER BY id")
            notes = [{"id": i, "body": b} for i, b in cur.fetchall()]
        return Response({"user": request.user.uid, "notes": notes})
