"""simplejwt's own views on the example's URLs, and a private view of the same shape."""
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView


class NotesView(APIView):
    def get(self, request):
        return Response({"user": request.user.get_username(), "notes": []})


urlpatterns = [
    path("api/token/", TokenObtainPairView.as_view()),
    path("api/token/refresh/", TokenRefreshView.as_view()),
    path("api/notes/", NotesView.as_view()),
]
