"""Checks satupintu's Open311 GeoReport v2 endpoint with independent clients: the `georeport`
client (PyPI) reading services, definitions and requests in JSON and in XML, `requests`
for what georeport cannot send (POST, errors, discovery, updates), and every JSON answer
validated against the Open311 JSON schemas in ./schemas (restated from
open311/schema-validation).

usage: check.py BASE_URL API_KEY
"""
import json
import pathlib
import sys
from datetime import datetime

import requests
import xmltodict
from georeport import GeoReport
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

base, api_key = sys.argv[1].rstrip("/"), sys.argv[2]
root = f"{base}/open311/v2"
SCHEMAS = pathlib.Path(__file__).parent / "schemas"
registry = Registry().with_resources(
    (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012)) for p in SCHEMAS.glob("*.json")
)
passed = 0
failures = []


def check(name, condition, detail=""):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def w3c(value):
    """A W3C datetime with its zone, as the spec demands."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except (TypeError, ValueError):
        return False


def valid(name, schema, document):
    validator = Draft202012Validator({"$ref": schema}, registry=registry)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    check(f"{name} matches {schema}", not errors, "; ".join(errors[:3]))
    for dt in find_datetimes(document):
        check(f"{name} datetime {dt}", w3c(dt), "not a W3C datetime with a zone")


def find_datetimes(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_datetime") and value is not None:
                yield value
            else:
                yield from find_datetimes(value)
    elif isinstance(node, list):
        for item in node:
            yield from find_datetimes(item)


def as_list(value):
    """xmltodict gives one element as a dict and several as a list (the client's quirk)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


as_json = GeoReport(root, output_format="json")
as_xml = GeoReport(root, output_format="xml")

# Discovery: both formats, JSON against its schema.
r = requests.get(f"{root}/discovery.json")
check("discovery.json status", r.status_code == 200, r.status_code)
valid("discovery", "discovery.json", r.json())
r = requests.get(f"{root}/discovery.xml")
check("discovery.xml type", r.headers["content-type"] == "text/xml; charset=utf-8", r.headers["content-type"])
endpoint = xmltodict.parse(r.content)["discovery"]["endpoints"]["endpoint"]
check("discovery.xml endpoint", endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2", endpoint)

# Services and their definitions, read by georeport in both formats.
services = as_json.get_service_list()
valid("services", "services.json", services)
check("services offered", len(services) >= 5, len(services))
xml_services = as_list(as_xml.get_service_list())
check("services: XML and JSON agree",
      [s["service_code"] for s in xml_services] == [s["service_code"] for s in services],
      [s["service_code"] for s in xml_services])
for service in services:
    if not service["metadata"]:
        continue
    code = service["service_code"]
    definition = as_json.get_service_definition(code)
    valid(f"definition {code}", "service-definition.json", definition)
    orders = [a["order"] for a in definition["attributes"]]
    check(f"definition {code} orders", orders == list(range(1, len(orders) + 1)), orders)
    xml_definition = as_xml.get_service_definition(code)
    xml_codes = [a["code"] for a in as_list((xml_definition["attributes"] or {}).get("attribute"))]
    check(f"definition {code}: XML and JSON agree", xml_codes == [a["code"] for a in definition["attributes"]], xml_codes)

# Filing reports (georeport reads only; POST is sent as the spec describes it).
definition = as_json.get_service_definition("ADUAN-BOGOR-TENGAH")
choice = next(a for a in definition["attributes"] if a["datatype"] == "singlevaluelist")
form = {
    "api_key": api_key,
    "service_code": "ADUAN-BOGOR-TENGAH",
    "lat": "-6.5986",
    "long": "106.7973",
    "address_string": "Jl. Suryakencana, depan Vihara Dhanagun",
    "description": "Trotoar berlubang, berbahaya bagi pejalan kaki",
    f"attribute[{choice['code']}]": choice["values"][0]["key"],
    "media_url": "https://contoh.id/foto/trotoar.jpg",
}
r = requests.post(f"{root}/requests.json", data=form)
check("POST requests.json", r.status_code == 200, f"{r.status_code} {r.text}")
valid("POST answer", "created.json", r.json())
filed = r.json()[0]["service_request_id"]
r = requests.post(f"{root}/requests.xml", data={**form, "description": "Lampu taman mati"})
check("POST requests.xml", r.status_code == 200, f"{r.status_code} {r.text}")
filed_xml = xmltodict.parse(r.content)["service_requests"]["request"]["service_request_id"]
check("POST XML id", filed_xml.startswith("BGR-"), filed_xml)

# Querying, with georeport in both formats.
listed = as_json.get_service_requests(service_code="ADUAN-BOGOR-TENGAH", status="open")
valid("requests", "requests.json", listed)
ids = [x["service_request_id"] for x in listed]
check("requests lists both reports", filed in ids and filed_xml in ids, ids)
mine = next(x for x in listed if x["service_request_id"] == filed)
check("request fields", (mine["lat"], mine["long"], mine["description"], mine["status"])
      == (-6.5986, 106.7973, form["description"], "open"), mine)
xml_listed = as_list(xmltodict.parse(requests.get(f"{root}/requests.xml", params={"service_code": "ADUAN-BOGOR-TENGAH"}).content)["service_requests"]["request"])
check("requests: XML and JSON agree", sorted(x["service_request_id"] for x in xml_listed) == sorted(ids), xml_listed)
one = as_json.get_service_request(filed)
valid("request", "request.json", one)
check("one request", one["service_request_id"] == filed and one["address"] == form["address_string"], one)
one_xml = as_xml.get_service_request(filed)
check("one request (XML)", one_xml["service_request_id"] == filed and one_xml["lat"] == "-6.5986", one_xml)
paged = requests.get(f"{root}/requests.json", params={"page_size": 1, "page": 2}).json()
valid("paged requests", "requests.json", paged)
check("page_size", len(paged) == 1, paged)
updates = requests.get(f"{root}/servicerequestupdates.json").json()
valid("updates", "updates.json", updates)
check("updates include the report", any(u["service_request_id"] == filed for u in updates), updates[:2])

# The spec's errors: status and list, in both formats.
for name, method, path, data, status in [
    ("no api_key", "post", "requests.json", {k: v for k, v in form.items() if k != "api_key"}, 403),
    ("bad api_key", "post", "requests.json", {**form, "api_key": "sp_salah"}, 403),
    ("no service_code", "post", "requests.json", {k: v for k, v in form.items() if k != "service_code"}, 400),
    ("unknown service_code", "post", "requests.json", {**form, "service_code": "TIDAK-ADA"}, 404),
    ("no location", "post", "requests.json", {k: v for k, v in form.items() if k not in ("lat", "long", "address_string")}, 400),
    ("unknown definition", "get", "services/TIDAK-ADA.json", None, 404),
    ("unknown request", "get", "requests/BGR-2222-222.json", None, 404),
    ("unknown token", "get", "tokens/tidak-ada.json", None, 404),
    ("window over 90 days", "get", "requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", None, 400),
]:
    r = requests.request(method, f"{root}/{path}", data=data)
    check(f"{name} status", r.status_code == status, f"{r.status_code} {r.text}")
    valid(name, "errors.json", r.json())
r = requests.post(f"{root}/requests.xml", data={"service_code": "ADUAN-BOGOR-TENGAH"})
errors = xmltodict.parse(r.content)["errors"]["error"]
check("XML error list", r.status_code == 403 and as_list(errors)[0]["code"] == "403", r.text)

print(f"open311: {passed} passed, {len(failures)} failed")
for failure in failures:
    print("  FAILED", failure)
sys.exit(1 if failures else 0)
