"""Checks satupintu's OpenAPI document with an independent validator, then checks real
responses of the running server against the document's own schemas.

usage: validate.py OPENAPI_JSON BASE_URL
"""
import json
import sys
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

doc_path, base = sys.argv[1], sys.argv[2].rstrip("/")
with open(doc_path, encoding="utf-8") as f:
    doc = json.load(f)

validate(doc)  # raises on an invalid OpenAPI 3.1 document
assert doc["openapi"].startswith("3.1"), doc["openapi"]
checks = 1
failures = []


def fetch(path):
    try:
        with urllib.request.urlopen(base + path) as r:
            return r.status, r.headers.get("content-type", ""), json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), json.load(e)


def schema_for(template, status, content_type):
    """The schema the document declares for this operation's status and media type."""
    response = doc["paths"][template]["get"]["responses"][str(status)]
    return response["content"][content_type]["schema"]


CASES = [
    ("/api/v1/services", "/api/v1/services?per_page=5&category=kependudukan", 200),
    ("/api/v1/services", "/api/v1/services?mode=faks", 400),
    ("/api/v1/services/{code}", "/api/v1/services/KTP-EL", 200),
    ("/api/v1/services/{code}", "/api/v1/services/TIDAK-ADA", 404),
    ("/api/v1/agencies", "/api/v1/agencies", 200),
    ("/api/v1/agencies/{code}", "/api/v1/agencies/DISDUKCAPIL", 200),
    ("/api/v1/agencies/{code}", "/api/v1/agencies/NOPE", 404),
    ("/api/v1/categories", "/api/v1/categories", 200),
    ("/api/v1/progress", "/api/v1/progress", 200),
    ("/api/v1/search", "/api/v1/search?q=bikin+ktp&per_page=5", 200),
    ("/api/v1/search", "/api/v1/search?q=kartu+keluaga", 200),
    ("/api/v1/search", "/api/v1/search?q=", 400),
    ("/api/v1/suggest", "/api/v1/suggest?q=akta+kel", 200),
    ("/api/v1/requests", "/api/v1/requests", 401),
    ("/api/v1/requests/{code}", "/api/v1/requests/BGR-0000-000", 400),
]

for template, path, expected in CASES:
    checks += 1
    status, content_type, body = fetch(path)
    media = content_type.split(";")[0].strip()
    if status != expected:
        failures.append(f"{path}: status {status}, expected {expected}")
        continue
    try:
        schema = schema_for(template, status, media)
    except KeyError:
        failures.append(f"{path}: {status} {media} is not documented")
        continue
    # Validate against the document itself so every $ref resolves inside it.
    root = dict(doc)
    root["$ref"] = schema["$ref"] if "$ref" in schema else None
    if root["$ref"] is None:
        root = {**schema, "components": doc.get("components", {})}
    errors = sorted(Draft202012Validator(root).iter_errors(body), key=lambda e: list(e.path))
    if errors:
        detail = "; ".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])
        failures.append(f"{path}: {detail}")

for failure in failures:
    print("FAIL", failure)
print(f"openapi: {checks - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
