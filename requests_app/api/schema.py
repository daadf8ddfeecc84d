"""The OpenAPI schema's error answers, the same on every endpoint, so clients (and the
schemathesis run) know each status an operation can give and the body that comes with it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERROR = ErrorSerializer

_ERROR = {"$ref": "#/components/schemas/Error"}
_FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}


def _answer(description, schema, media_types, headers=None) -> dict:
    answer = {
        "description": str(description),
        "content": {media_type: {"schema": schema} for media_type in media_types},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _json_types(operation) -> list[str]:
    """An error comes as JSON, in the endpoint's own JSON type when it has one (a GeoJSON
    endpoint's errors are application/geo+json)."""
    types = {"application/json"}
    for code, response in operation["responses"].items():
        if code.startswith("2"):
            types |= {t for t in response.get("content", {}) if t.endswith("json")}
    return sorted(types)


def error_responses(result, generator, request, public):
    """Add to every operation the errors it can answer that it does not document itself:
    401 and 429 anywhere, 400 where it takes input (a NUL character in an address is one
    everywhere), 404 where it names something (a path id, a campaign, a page), 403 on
    writes."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas["FieldErrors"] = {
        "type": "object",
        "description": str(
            _(
                "Messages by field name; `non_field_errors` holds a refusal that concerns the "
                "whole request, in the words the web page uses."
            )
        ),
        "additionalProperties": {},
    }
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            types = _json_types(operation)
            errors = {
                "401": _answer(
                    _("A sign-in is needed, or the token does not work."), _ERROR, types
                ),
                "429": _answer(
                    _("Too many requests: wait the number of seconds in Retry-After."),
                    _ERROR,
                    types,
                    {"Retry-After": {"schema": {"type": "integer"}}},
                ),
            }
            if names or "{" in path or "requestBody" in operation:
                errors["400"] = _answer(
                    _("The input is not valid, or was refused."), _FIELD_ERRORS, types
                )
            if "{" in path or names & {"campaign", "page"}:
                errors["404"] = _answer(_("Not found, or not yours to see."), _ERROR, types)
            if method != "get":
                errors["403"] = _answer(_("Not yours to change."), _ERROR, types)
            for code, answer in errors.items():
                operation["responses"].setdefault(code, answer)
    return result
