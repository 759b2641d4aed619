"""The HTTP API root at /api/v1/: one NinjaAPI, one router per app, one error shape.

Every error leaves as ``{"error": {"code": ..., "message": ..., "fields": {...}}}`` with the
status that says what happened: 400 invalid input, 401 not logged in, 403 not allowed,
404 not found or outside the caller's scope, 409 a refused state transition.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api_auth import CsrfFailed, api_auth
from core.errors import DomainError, FieldErrors
from development.engine import RuleViolation
from development.schemas import violation_json

api = NinjaAPI(
    title="SmartBranch API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    description="Session cookies for the pages, `Authorization: Bearer <token>` for clients.",
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict | None = None,
    **extra: object,
) -> HttpResponse:
    body = {"code": code, "message": message, "fields": fields or {}, **extra}
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(FieldErrors)
def on_field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
    return error_response(request, 400, "invalid", str(exc.message), exc.fields)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, RuleViolation):  # a refused step: say which rules, with their dates
        violations = [violation_json(item) for item in exc.violations]
        return error_response(request, 409, exc.code, str(exc.message), violations=violations)
    return error_response(request, 409, exc.code, str(exc.message))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [
            str(part) for part in item.get("loc", []) if part not in ("body", "query", "path", "payload")
        ]
        fields.setdefault(".".join(location) or "__all__", []).append(str(item.get("msg", "")))
    return error_response(request, 400, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("Log in or send a valid access token."))


@api.exception_handler(CsrfFailed)
def on_csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return error_response(
        request,
        403,
        "csrf_failed",
        _("Send the page's CSRF token in the X-CSRFToken header, or use an access token."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 429: "throttled"}
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("You do not have the right to do this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


from accounts.api import router as accounts_router  # noqa: E402
from development.api import router as development_router  # noqa: E402
from dues.api import router as dues_router  # noqa: E402
from engagement.api_comments import router as engagement_comments_router  # noqa: E402
from engagement.api_notices import router as engagement_notices_router  # noqa: E402
from engagement.api_suggestions import router as engagement_suggestions_router  # noqa: E402
from engagement.api_surveys import router as engagement_surveys_router  # noqa: E402
from learning.api import router as learning_router  # noqa: E402
from learning.api_quiz import router as learning_quiz_router  # noqa: E402
from orglife.api import router as orglife_router  # noqa: E402
from orglife.api_checkin import router as orglife_checkin_router  # noqa: E402
from orglife.api_compliance import router as orglife_compliance_router  # noqa: E402
from orgs.api import router as orgs_router  # noqa: E402
from publishing.api import router as publishing_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", orgs_router)
api.add_router("/", development_router)
api.add_router("/", orglife_router)
api.add_router("/", orglife_checkin_router)
api.add_router("/", orglife_compliance_router)
api.add_router("/", dues_router)
api.add_router("/", publishing_router)
api.add_router("/", learning_router)
api.add_router("/", learning_quiz_router)
api.add_router("/", engagement_comments_router)
api.add_router("/", engagement_suggestions_router)
api.add_router("/", engagement_notices_router)
api.add_router("/", engagement_surveys_router)
