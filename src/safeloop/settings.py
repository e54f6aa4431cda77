"""One settings module, driven by the environment (see docs/operations.md)."""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from safeloop.database import data_dir, database_settings, replica_settings

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("SAFELOOP_DEBUG", False)
# The demo and the tests run without a configured key; production must set one.
SECRET_KEY = os.environ.get(
    "SAFELOOP_SECRET_KEY", "insecure-local-only-key-set-SAFELOOP_SECRET_KEY"
)
ALLOWED_HOSTS = os.environ.get("SAFELOOP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
TRUST_X_FORWARDED_FOR = env_bool("SAFELOOP_TRUST_X_FORWARDED_FOR", False)
# Our reverse proxies (addresses or networks, comma-separated): X-Forwarded-For is believed
# only as far as they wrote it (core.middleware.client_ip).
TRUSTED_PROXIES = [p for p in os.environ.get("SAFELOOP_TRUSTED_PROXIES", "").split(",") if p]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SAFELOOP_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram and GIN indexes
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "procrastinate.contrib.django",
    "safeloop.core",
    "safeloop.orgs",
    "safeloop.enterprises",
    "safeloop.risks",
    "safeloop.hazards",
    "safeloop.accidents",
    "safeloop.selfchecks",
    "safeloop.web",
    "safeloop.demo",
    "safeloop.inspections",
    "safeloop.alerts",
    "safeloop.bulletins",
    "safeloop.dashboards",
    "safeloop.emergency",
    "safeloop.public",
    "safeloop.training",
    "safeloop.investment",
    "safeloop.sourcecontrol",
    "safeloop.parkrisk",
    "safeloop.duties",
    "safeloop.crackdown",
    "safeloop.enforcement",
    "safeloop.prediction",
    "safeloop.targets",
    "safeloop.credit",
    # Last: Django's form templates, after core's overrides (FORM_RENDERER below).
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safeloop.orgs.middleware.ForcePasswordChangeMiddleware",
    "safeloop.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "safeloop.core.middleware.PrivateCacheMiddleware",
]

ROOT_URLCONF = "safeloop.urls"
WSGI_APPLICATION = "safeloop.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeloop.web.navigation.navigation",
            ],
        },
    },
]

# Forms render through TEMPLATES, so core's widget templates come before Django's: a select's
# empty line reads "请选择", never "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": database_settings()}
if replica := replica_settings():
    DATABASES["replica"] = replica
# Dashboard and report reads go to the replica while its replay lag is at most
# REPLICA_MAX_LAG_SECONDS (measured at most every REPLICA_CHECK_SECONDS per process; a replica
# that failed is left alone REPLICA_DOWN_SECONDS); everything else to the primary (core/replica.py).
DATABASE_ROUTERS = ["safeloop.core.replica.ReportingReadsRouter"]
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("SAFELOOP_REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("SAFELOOP_REPLICA_CHECK_SECONDS", "1"))
REPLICA_DOWN_SECONDS = float(os.environ.get("SAFELOOP_REPLICA_DOWN_SECONDS", "10"))
# The role `safeloop serve` and `safeloop worker` log in as with DATABASE_APP_URL: not the owner
# (migrate creates it when it may and grants it the application's rights, core.dbroles).
DATABASE_APP_ROLE = os.environ.get("SAFELOOP_DATABASE_APP_ROLE", "safeloop_app")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "safeloop.orgs.backends.UsernameOrMobileBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "safeloop.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Login lockout: 5 failures for one account from one IP lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "safeloop.core.middleware.client_ip"  # the real client behind a proxy

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

HTTPS = env_bool("SAFELOOP_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_SSL_REDIRECT = HTTPS and env_bool("SAFELOOP_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # ECharts and Leaflet set element styles from script; inline style attributes stay allowed.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *os.environ.get("SAFELOOP_TILE_HOSTS", "").split()],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Four-colour map base layer: a tile URL template (天地图 or an intranet tile server), and/or a
# GeoJSON file of county boundaries the deployment is licensed to use, each with its
# attribution. Add the tile host to SAFELOOP_TILE_HOSTS so that the CSP lets the images in.
MAP_TILE_URL = os.environ.get("SAFELOOP_MAP_TILE_URL") or None
MAP_TILE_ATTRIBUTION = os.environ.get("SAFELOOP_MAP_TILE_ATTRIBUTION", "")
MAP_BOUNDARIES_FILE = os.environ.get("SAFELOOP_MAP_BOUNDARIES") or None
MAP_BOUNDARIES_ATTRIBUTION = os.environ.get("SAFELOOP_MAP_BOUNDARIES_ATTRIBUTION", "")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# A filter's empty choice reads 全部 (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("All")
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # vendored front-end libraries
STATIC_ROOT = Path(os.environ.get("SAFELOOP_STATIC_ROOT", data_dir() / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("SAFELOOP_MEDIA_ROOT", data_dir() / "media"))


def s3_storage(env) -> dict | None:
    """The uploads' storage in an S3-compatible bucket when `env` names one
    (SAFELOOP_S3_BUCKET), else None: the media folder. Keys come from boto3's own places
    (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role)."""
    bucket = env.get("SAFELOOP_S3_BUCKET", "").strip()
    if not bucket:
        return None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.get("SAFELOOP_S3_ENDPOINT_URL") or None,
            "region_name": env.get("SAFELOOP_S3_REGION") or None,
            "location": env.get("SAFELOOP_S3_PREFIX", "").strip("/"),
            # Most S3-compatible servers want path-style addresses (endpoint/bucket/key).
            "addressing_style": env.get("SAFELOOP_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            # Never replace a stored file: a second upload of the same name gets a new name,
            # as in the media folder.
            "file_overwrite": False,
            "default_acl": None,  # the bucket's own policy: private
        },
    }


# Uploads in a bucket instead of MEDIA_ROOT when one is configured: what several web and worker
# processes on different machines need (docs/operations.md). Files are still served only
# through the records' scoped views, streamed from the bucket.
if S3_STORAGE := s3_storage(os.environ):
    STORAGES["default"] = S3_STORAGE
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PHOTO_MAX_BYTES = int(os.environ.get("SAFELOOP_PHOTO_MAX_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# A select of more rows than this (an enterprise picker for a city) holds only the chosen row
# and searches the rest as the user types (core.widgets.SearchableSelect).
PICKER_LISTED = 200

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "safeloop.orgs.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "safeloop.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "safeloop.core.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "safeloop.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafeLoop API",
    "DESCRIPTION": _(
        "Industrial work-safety supervision: organisations, enterprises, risks, hazards."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InspectionPlanKindEnum": "safeloop.inspections.choices.PlanKind",
        "InspectionPlanStateEnum": "safeloop.inspections.choices.PlanState",
        "InspectionVisitStateEnum": "safeloop.inspections.choices.VisitState",
        "ChecklistKindEnum": "safeloop.inspections.choices.ChecklistKind",
    },
}

# Email goes out only when an SMTP host is configured; the in-app inbox always works.
NOTIFY_BY_EMAIL = bool(os.environ.get("SAFELOOP_SMTP_HOST"))
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("SAFELOOP_SMTP_HOST", "localhost"),
            "port": int(os.environ.get("SAFELOOP_SMTP_PORT", "25")),
            "username": os.environ.get("SAFELOOP_SMTP_USER", ""),
            "password": os.environ.get("SAFELOOP_SMTP_PASSWORD", ""),
            "use_tls": env_bool("SAFELOOP_SMTP_TLS", False),
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("SAFELOOP_MAIL_FROM", "safeloop@localhost")

# Audit entries are kept at least this long; the daily job prunes older ones.
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("SAFELOOP_AUDIT_RETENTION_DAYS", "365")))

# A list export of more rows than this is built by the worker and listed on /exports/
# (core/exports.py); the files are deleted after EXPORT_KEEP_DAYS (the records stay).
EXPORT_INLINE_ROWS = int(os.environ.get("SAFELOOP_EXPORT_INLINE_ROWS", "5000"))
# ... and at most this many cells (rows × columns of the widest sheet): ~20 µs a cell to write,
# so an export answered in the request stays near 200 ms however wide (core.exports).
EXPORT_INLINE_CELLS = int(os.environ.get("SAFELOOP_EXPORT_INLINE_CELLS", "10000"))
EXPORT_KEEP_DAYS = int(os.environ.get("SAFELOOP_EXPORT_KEEP_DAYS", "7"))

# A ledger file whose sheets unpack to more than this many bytes is checked and imported by the
# worker, a smaller one in the request (enterprises/services.py); the fault drill sets it to 1.
LEDGER_IMPORT_SYNC_BYTES = int(
    os.environ.get("SAFELOOP_LEDGER_IMPORT_SYNC_BYTES", str(4 * 1024 * 1024))
)

# A job whose worker sent no heartbeat (every 10 s) for this long, and an import batch left
# checking or importing this long with no live job, count as dead (core/stalled.py). It must
# exceed the web request timeout (gunicorn's 30 s), since small imports run in the request.
STALLED_JOB_SECONDS = int(os.environ.get("SAFELOOP_STALLED_JOB_SECONDS", "300"))

# Lists count their rows exactly up to this many and show "10,000+" beyond (core/counts.py):
# no list page or API list counts the whole of a large scope.
LIST_COUNT_CAP = int(os.environ.get("SAFELOOP_LIST_COUNT_CAP", "10000"))

# Rule rows read on nearly every write (hazard policy, calendar overrides) are remembered per
# process this many seconds; an edit applies at once in its own process (core/rulecache.py).
RULES_CACHE_SECONDS = int(os.environ.get("SAFELOOP_RULES_CACHE_SECONDS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFELOOP_LOG_LEVEL", "WARNING")},
}
