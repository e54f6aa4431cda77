"""The older rest_framework.authtoken keys never expired. Each becomes a named API token of
the same account (its SHA-256 stored, the same key keeps working) that expires 90 days after
this migration, so existing integrations have time to move to a token of their own; the old
rows go. From here only `orgs.ApiToken` authenticates."""

import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

GRACE = timedelta(days=90)


def adopt(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("orgs", "ApiToken")
    expires = timezone.now() + GRACE
    for old in Token.objects.all().iterator():
        key_hash = hashlib.sha256(old.key.encode()).hexdigest()
        if not ApiToken.objects.filter(key_hash=key_hash).exists():
            ApiToken.objects.create(
                user_id=old.user_id,
                name="迁移的旧令牌",
                key_hash=key_hash,
                prefix=old.key[:8],
                expires_at=expires,
            )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_department_version"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
