"""simplejwt's URLs, served by jwt_auth."""
from django.urls import path

from notes import views

urlpatterns = [
    path("api/token/", views.TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("api/token/refresh/", views.TokenRefreshView.as_view(), name="token_refresh"),
    path("api/notes/", views.NotesView.as_view(), name="notes"),
]
