"""The OpenAPI document and the API docs pages: a valid OpenAPI 3 document that describes the
core endpoints, and Swagger UI / Redoc served from our own static files (bureaus may have no
internet access, and a CDN would see who reads our docs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

CORE_PATHS = {
    "/api/v1/regions/": {"get"},
    "/api/v1/regions/{code}/": {"get"},
    "/api/v1/employers/": {"get", "post"},
    "/api/v1/employers/{id}/": {"get", "patch"},
    "/api/v1/workers/": {"get", "post"},
    "/api/v1/workers/{id}/": {"get", "patch"},
    "/api/v1/workers/{id}/identity/": {"get"},
    "/api/v1/me/": {"get"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def schema(client: Any) -> dict[str, Any]:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_a_valid_openapi_3_document(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_the_default_schema_is_yaml_and_says_the_same(client: Any, schema: dict[str, Any]) -> None:
    response = client.get("/api/schema/")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content) == schema


def test_the_schema_describes_the_core_endpoints_with_their_methods(schema: dict[str, Any]) -> None:
    for path, methods in CORE_PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) & HTTP_METHODS == methods, path


def test_the_schema_documents_search_filters_and_paging_of_lists(schema: dict[str, Any]) -> None:
    def params(path: str) -> set[str]:
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"q", "name", "credit_code", "region", "ordering", "page", "page_size"} <= params("/api/v1/employers/")
    assert {"q", "name", "id_number", "phone", "region", "ordering", "page", "page_size"} <= params("/api/v1/workers/")


def test_the_schema_shows_input_without_derived_fields_and_output_without_birth_date(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    worker_input = components["WorkerInputRequest"]["properties"]
    assert "id_number" in worker_input
    assert not {"birth_date", "sex", "age"} & set(worker_input)
    assert "birth_date" not in components["Worker"]["properties"]
    assert "birth_date" in components["WorkerIdentity"]["properties"]


def test_the_schema_declares_session_and_token_authentication(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["in"] == "header"
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_generating_the_schema_gives_no_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    assert yaml.safe_load(target.read_text())["paths"]


URL_ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_docs_pages_render_from_local_static_files_only(page: str, client: Any) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/schema/" in html
    assert not re.search(r"https?://|cdn", html, re.IGNORECASE), "the page refers to another host"
    urls = URL_ATTRIBUTE.findall(html)
    assert urls, "no assets found: has the page changed?"
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not among our static files"
    assert any(url.endswith(".js") for url in urls)
