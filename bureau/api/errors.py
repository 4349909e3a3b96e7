"""One error format for every 4xx of the API:

    {"code": "invalid", "message": "...",
     "errors": [{"field": "credit_code", "code": "credit_code_check_char", "message": "..."}]}

`code` values are stable machine codes; `message`s follow the request's language (Chinese by
default). Field paths of nested data are joined with dots (`complainants.0.amount`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(details: Any, path: str | None) -> Iterator[dict[str, Any]]:
    if isinstance(details, dict) and set(details) == {"message", "code"}:
        field = None if path == api_settings.NON_FIELD_ERRORS_KEY else path
        yield {"field": field, "code": details["code"], "message": str(details["message"])}
    elif isinstance(details, dict):
        for key, value in details.items():
            child = str(key) if path in (None, api_settings.NON_FIELD_ERRORS_KEY) else f"{path}.{key}"
            yield from _flatten(value, child)
    elif isinstance(details, list):
        for index, value in enumerate(details):
            nested = isinstance(value, dict) and set(value) != {"message", "code"}
            yield from _flatten(value, f"{path}.{index}" if nested and path else path)


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return {
            "code": "invalid",
            "message": _("提交的数据有误，请检查标出的字段。"),
            "errors": list(_flatten(exc.get_full_details(), None)),
        }
    details = exc.get_full_details()
    if isinstance(details, dict) and "code" in details:
        return {"code": details["code"], "message": str(details["message"]), "errors": []}
    return {"code": exc.default_code, "message": str(exc.default_detail), "errors": []}


class Conflict(exceptions.APIException):
    """409: an act the record's current state does not allow (its `code` says why)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("当前状态不允许此操作。")
    default_code = "invalid_state"


def _invalid_state(exc: Exception) -> Conflict | None:
    # Imported here: the apps' services import the core, not the other way round.
    from inspections.services import InvalidState

    if isinstance(exc, InvalidState):
        return Conflict(detail=exc.message, code=exc.code)
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    conflict = _invalid_state(exc)
    if conflict is not None:
        exc = conflict
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        # A row that is not there and a row outside the user's region look the same.
        exc = exceptions.NotFound(_("未找到。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = error_body(exc)
    return response


def json_error(request: HttpRequest, code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "errors": []}, status=status_code)


def api_not_found(request: HttpRequest) -> JsonResponse:
    return json_error(request, "not_found", _("未找到。"), status.HTTP_404_NOT_FOUND)
