from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "safeloop.credit"
    label = "credit"
    verbose_name = "Credit"

    def ready(self):
        from safeloop.credit import signals  # noqa: F401
