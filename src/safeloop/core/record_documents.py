"""The documents of a record, one tap from its page.

Each app registers, for a model, a provider giving the documents of one of its records that a
user may open: `register(Hazard, provider)` (usually as a decorator, from the app's
`AppConfig.ready`). `documents_for(record, user)` gathers what every provider registered for
the record's model gives, newest first; the `{% record_documents record %}` tag
(`core.templatetags.record_documents`) shows them in a 文书 block (`core/_record_documents.html`,
section `record-documents`), absent when there is none for the reader.

A provider answers only documents the user may open: it reads through the same scoped
selector as the view that serves the PDF, so a link shown is a PDF that opens (200) and a user
outside scope sees no block and gets 404 on the URL. Several apps may register for one model
(an enterprise's page lists the notices, records, 文书 and reports of all its records).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone


@dataclass(frozen=True)
class RecordDocument:
    """One document as a record's page lists it. `kind` is a stable code (used as the link's
    `data-doc`), `number` the document number people quote ("" when the document has none),
    `state` a readable state or "", `page` the document's own page when it has one (where it
    is served, acknowledged or re-checked)."""

    kind: str
    title: str
    number: str
    date: dt.date | dt.datetime | None
    url: str
    state: str = ""
    page: str = ""

    @property
    def day(self) -> dt.date | None:
        """The document's date as a local day (a datetime read in local time)."""
        if isinstance(self.date, dt.datetime):
            day = timezone.localtime(self.date) if timezone.is_aware(self.date) else self.date
            return day.date()
        return self.date


Provider = Callable[[Any, Any], Iterable[RecordDocument]]

PROVIDERS: dict[type, list[Provider]] = {}


def register(model: type[Model], provider: Provider | None = None):
    """Register `provider(record, user) -> documents` for `model`; usable as a decorator.
    Registering the same function twice (a second `ready`) keeps one."""

    def add(function: Provider) -> Provider:
        providers = PROVIDERS.setdefault(model, [])
        if function not in providers:
            providers.append(function)
        return function

    return add(provider) if provider is not None else add


def documents_for(record: Model, user) -> list[RecordDocument]:
    """Every document of `record` that `user` may open, newest first (undated last)."""
    if record is None or user is None or not user.is_authenticated:
        return []
    found: list[RecordDocument] = []
    for model in type(record).__mro__:
        for provider in PROVIDERS.get(model, []):
            found.extend(provider(record, user))
    return sorted(found, key=lambda d: (d.day is not None, d.day or dt.date.min), reverse=True)
