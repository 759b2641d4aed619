"""The OpenAPI schema: committed in docs/openapi.json, and complete enough for client developers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from smartbranch.api import api

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.json"
REGENERATE = (
    ".venv/bin/python manage.py export_openapi_schema --api smartbranch.api.api --indent 2 "
    "--output docs/openapi.json"
)
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def generated_schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def operations():
    for path, methods in generated_schema()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_committed_schema_is_the_one_the_app_generates():
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == generated_schema(), (
        f"docs/openapi.json is out of date with the API. Regenerate it with:\n    {REGENERATE}"
    )


def test_every_operation_has_a_summary_a_description_and_a_stable_id():
    for path, method, operation in operations():
        assert operation.get("summary"), f"{method.upper()} {path} has no summary"
        assert operation.get("description"), f"{method.upper()} {path} has no description"
        assert "_api_" not in operation["operationId"], f"{method.upper()} {path}: set operation_id"


# Read-only operations that need no login (the public channels of publishing): no security, no 401.
PUBLIC_OPERATIONS = {"list_channels", "get_channel", "list_channel_articles", "get_channel_article"}


def test_every_operation_declares_its_errors_in_the_error_shape():
    for path, method, operation in operations():
        responses = operation["responses"]
        public = operation["operationId"] in PUBLIC_OPERATIONS
        expected = set() if public else {"401"}
        if "{" in path:
            expected |= {"404"} if public else {"403", "404"}
        if method == "post" or any(p["in"] == "query" for p in operation.get("parameters", [])):
            expected.add("400")
        missing = expected - set(responses)
        assert not missing, f"{method.upper()} {path} does not declare {sorted(missing)}"
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == ERROR_REF, (method, path, status)
                assert response["description"] not in {"Bad Request", "Not Found"}, (method, path, status)


def test_every_operation_accepts_a_token_or_the_session():
    for path, method, operation in operations():
        if operation["operationId"] in PUBLIC_OPERATIONS:
            assert "security" not in operation and method == "get", (method, path)
            continue
        assert operation["security"] == [{"AccessTokenAuth": []}, {"CsrfSessionAuth": []}], (method, path)


@pytest.mark.django_db
def test_the_schema_is_served_at_api_v1_openapi_json():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == generated_schema()["paths"].keys()


def test_an_unknown_api_path_answers_in_the_api_error_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
