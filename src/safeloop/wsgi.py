import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
application = get_wsgi_application()
# Import every app's URLs and views now, while the worker boots, not in its first request:
# that import takes seconds (6–9 s on a busy 2-core machine), and with several fresh workers
# taking their first requests at once under load, gunicorn's 30 s timeout killed them (500s).
get_resolver().url_patterns  # noqa: B018 — evaluated for its imports
