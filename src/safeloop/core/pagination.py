"""The API lists' pagination (settings' DEFAULT_PAGINATION_CLASS). Its own module: DRF
reads the setting while `rest_framework.generics` is imported, so it must not import views."""

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.response import Response

from safeloop.core.counts import CappedPaginator


class CappedPageNumberPagination(pagination.PageNumberPagination):
    """Every API list's pages (the default in settings): `count` is exact up to the list
    cap (`SAFELOOP_LIST_COUNT_CAP`, 10,000), or up to the end of the page asked for when
    that lies further; beyond it `count` is that reach and `count_capped` is true ("at least
    this many"). `next` is always right: the page counts one row past itself. No list
    counts the whole of a large scope."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        assert self.page is not None and isinstance(self.page.paginator, CappedPaginator)
        counted = self.page.paginator.counted
        return Response(
            {
                "count": counted.n,
                "count_capped": counted.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_capped", "results"]
        response["properties"] = {
            "count": {
                "type": "integer",
                "example": 123,
                "description": "Exact when count_capped is false; otherwise at least this many.",
            },
            "count_capped": {"type": "boolean", "example": False},
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        return response


class ExactPageNumberPagination(CappedPageNumberPagination):
    """For a list whose full count is cheap (one row per enterprise of the scope, say) and
    that is not a queryset: any object with `count()` and slicing. Same envelope as the
    capped lists, `count_capped` always false."""

    django_paginator_class = Paginator  # type: ignore[assignment]

    def get_paginated_response(self, data):
        assert self.page is not None
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": False,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )
