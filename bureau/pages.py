"""Small helpers shared by the case apps' page views (the pages themselves stay in each app)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bureau import roles


def capable(capability: str, forbidden_template: str) -> Callable[[Any], Any]:
    """Login required, then the capability: a role without it gets the app's 403 page."""

    def decorate(view: Any) -> Any:
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles.can(request.user, capability):
                return render(request, forbidden_template, status=403)
            response: HttpResponse = view(request, *args, **kwargs)
            return response

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def choice_labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """{value: label} of a choices list, labels as text (for a page's JavaScript)."""
    return {value: str(label) for value, label in choices}
