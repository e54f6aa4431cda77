from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """An account marked `must_change_password` uses no screen but the password change (and
    sign-out) until it has chosen a password of its own. The API answers as usual: a token
    is only made on the tokens screen, after the change."""

    ALLOWED = ("/static/", "/i18n/", "/activate/", "/api/", "/logout/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.ALLOWED)
        ):
            target = reverse("password-change")
            if request.path != target:
                return redirect(target)
        return self.get_response(request)
