"""Sign in with the username or the mobile number (unique across accounts)."""

from django.contrib.auth.backends import ModelBackend

from safeloop.orgs.models import User


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and username.isdigit() and len(username) == 11:
            found = User.objects.filter(mobile=username).first()
            if found is not None:
                username = found.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
