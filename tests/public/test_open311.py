"""The Open311 GeoReport v2 server, driven end to end over HTTP by the third-party client
`georeport` (and `requests` for the POST, which that client does not make), against a live
server; the administrators' screen of clients and keys; the error format."""

import io
import json
from datetime import timedelta

import pytest
import requests
import xmltodict
from django.apps import apps as django_apps
from django.utils import timezone
from georeport import GeoReport

from safeloop.orgs.roles import ADMINS, Role
from safeloop.public import open311, reference_data
from safeloop.public.choices import ReportState
from safeloop.public.models import Open311Client, PublicReport
from tests.scope import ROLES, assert_status

CLIENTS = "/public-reports/open311-clients/"


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def _new_key(client, world, **fields) -> str:
    client.force_login(world.user(Role.CITY_ADMIN))
    data = {"name": "市民热线平台", "contact": "热线中心", "reports_per_hour": 100, **fields}
    assert_status(client.post(CLIENTS, data), 302)
    page = client.get(CLIENTS)
    assert_status(page, 200)
    key = page.context["shown"][1]
    assert key not in client.get(CLIENTS).content.decode()  # shown once
    stored = Open311Client.objects.get(name=data["name"])
    assert stored.key_hash != key and key.startswith(stored.key_prefix)
    return key


@pytest.mark.django_db(transaction=True)
def test_a_third_party_client_reports_and_follows_requests(live_server, client, world):
    reference_data.load(django_apps)  # a transactional test starts without migration data
    key = _new_key(client, world)
    root = f"{live_server.url}/open311/v2"
    geo = GeoReport(root, api_key=key)
    geo_xml = GeoReport(root, api_key=key, output_format="xml")

    discovery = requests.get(f"{live_server.url}/open311/discovery.json", timeout=10).json()
    assert discovery["endpoints"][0]["url"] == root
    assert "text/xml" in discovery["endpoints"][0]["formats"]

    services = geo.get_service_list()
    codes = [s["service_code"] for s in services]
    assert "fire-safety" in codes and "other" in codes
    assert all(s["metadata"] is True and s["type"] == "realtime" for s in services)
    assert [s["service_code"] for s in geo_xml.get_service_list()] == codes
    definition = geo.get_service_definition("fire-safety")
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert {"enterprise_name", "site_name", "county"} <= set(attributes)
    assert {"key": "640104", "name": "兴庆区"} in attributes["county"]["values"]
    xml_definition = geo_xml.get_service_definition("fire-safety")
    assert xml_definition["service_code"] == "fire-safety"
    with pytest.raises(requests.HTTPError) as unknown:
        geo.get_service_definition("no-such-service")
    assert unknown.value.response.status_code == 404
    assert unknown.value.response.json()[0]["code"] == 404

    # POST (with the media upload extension): a public report, routed and tracked
    posted = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "service_code": "fire-safety",
            "description": "消防通道被货物堵死，举报人电话13912345678",
            "lat": "38.487000",
            "long": "106.230000",
            "address_string": "兴庆区某路1号",
            "attribute[enterprise_name]": "园区内企业",
            "email": "someone@example.cn",
            "first_name": "张",
        },
        files={"media": ("a.jpg", _jpeg(), "image/jpeg")},
        timeout=10,
    )
    assert posted.status_code == 201, posted.text
    (answer,) = posted.json()
    report = PublicReport.objects.get(pk=answer["service_request_id"])
    assert (report.enterprise, report.state, report.service_code) == (
        world.inside,
        ReportState.RECEIVED,
        "fire-safety",
    )
    assert report.client.name == "市民热线平台" and report.photos.count() == 1
    assert "someone@example.cn" in report.contact
    # the token is the reporter's tracking code
    token = requests.get(f"{root}/tokens/{answer['token']}.json", timeout=10).json()
    assert token == [{"service_request_id": str(report.pk), "token": answer["token"]}]

    found = geo.get_service_request(str(report.pk))
    assert found["status"] == "open" and found["service_code"] == "fire-safety"
    assert found["agency_responsible"] == "兴庆区" and found["lat"] == "38.487000"
    # no personal data on the public feed
    assert "13912345678" not in json.dumps(found, ensure_ascii=False)
    assert "someone@example.cn" not in json.dumps(found) and found["description"].endswith("***")
    xml_found = geo_xml.get_service_request(str(report.pk))
    assert xml_found["service_request_id"] == str(report.pk) and xml_found["status"] == "open"

    listed = geo.get_service_requests(service_code="fire-safety,other", status="open")
    assert [r["service_request_id"] for r in listed] == [str(report.pk)]
    assert geo.get_service_requests(status="closed") == []
    assert geo.get_service_requests(service_code="construction") == []
    now = timezone.now()
    start = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(geo.get_service_requests(start_date=start, end_date=end)) == 1
    before = (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert geo.get_service_requests(end_date=before) == []
    by_id = geo.get_service_requests(service_request_id=f"{report.pk},999999", status="closed")
    assert [r["service_request_id"] for r in by_id] == [str(report.pk)]  # ids override
    xml_list = geo_xml.get_service_requests(service_request_id=str(report.pk))
    assert xml_list["service_request_id"] == str(report.pk)

    # paging extension
    second = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "service_code": "illegal-site",
            "description": "民房里私自灌装液化气",
            "address_string": "西夏区某村3组",
            "attribute[county]": "640105",
        },
        timeout=10,
    )
    assert second.status_code == 201, second.text
    assert PublicReport.objects.get(pk=second.json()[0]["service_request_id"]).region_code == (
        "640105"
    )
    page_one = requests.get(f"{root}/requests.json?page_size=1", timeout=10).json()
    page_two = requests.get(f"{root}/requests.json?page_size=1&page=2", timeout=10).json()
    assert [len(page_one), len(page_two)] == [1, 1]
    assert page_one[0]["service_request_id"] != page_two[0]["service_request_id"]


def _errors(response, status):
    assert response.status_code == status, response.content
    if response["Content-Type"].startswith("text/xml"):
        errors = xmltodict.parse(response.content)["errors"]["error"]
        errors = errors if isinstance(errors, list) else [errors]
    else:
        errors = response.json()
    assert errors and all(int(e["code"]) == status and e["description"] for e in errors)
    return [e["description"] for e in errors]


@pytest.mark.django_db
def test_bad_input_answers_in_the_spec_error_format_and_changes_nothing(client, world):
    key = _new_key(client, world)
    client.logout()
    url = "/open311/v2/requests.json"
    good = {"api_key": key, "service_code": "other", "description": "堆放易燃物", "lat": "1"}
    good |= {"long": "1", "attribute[enterprise_name]": "园区内企业"}
    assert _errors(client.post(url, {**good, "api_key": ""}), 403)
    assert _errors(client.post(url, {**good, "api_key": "wrong"}), 403)
    (message,) = _errors(client.post(url, {**good, "service_code": "nope"}), 400)
    assert message.startswith("service_code: ")
    assert _errors(client.post(url, {**good, "lat": "north"}), 400)
    assert _errors(client.post(url, {**good, "lat": "", "long": ""}), 400)
    assert _errors(client.post(url, {**good, "description": " "}), 400)
    assert _errors(client.post(url, {**good, "attribute[county]": "999999"}), 400)
    assert _errors(client.post(url.replace("json", "xml"), {**good, "api_key": ""}), 403)
    assert not PublicReport.objects.exists()
    assert _errors(client.get(url, {"start_date": "yesterday"}), 400)
    assert _errors(
        client.get(
            url, {"start_date": "2026-01-01T00:00:00Z"} | {"end_date": "2026-06-01T00:00:00Z"}
        ),
        400,
    )
    assert _errors(client.get(url, {"status": "pending"}), 400)
    assert _errors(client.get(url, {"page_size": "100000"}), 400)
    assert _errors(client.get(url, {"service_request_id": "1;drop"}), 400)
    assert _errors(client.get("/open311/v2/requests/12345.json"), 404)
    assert _errors(client.get("/open311/v2/requests/12345.xml"), 404)
    assert _errors(client.get("/open311/v2/tokens/ABCD-EFGH.json"), 404)
    assert_status(client.put(url), 405)


@pytest.mark.django_db
def test_a_client_is_limited_per_hour_and_a_revoked_key_is_refused(client, world):
    key = _new_key(client, world, reports_per_hour=1)
    url = "/open311/v2/requests.json"
    data = {"api_key": key, "service_code": "other", "description": "脚手架没有护栏"}
    data |= {"address_string": "兴庆区某工地", "attribute[county]": "640104"}
    assert_status(client.post(url, data), 201)
    assert _errors(client.post(url, data), 429)
    stored = Open311Client.objects.get()
    client.force_login(world.user(Role.CITY_ADMIN))
    revoke = f"{CLIENTS}{stored.pk}/revoke/"
    assert_status(client.post(revoke, {"version": stored.version}), 302)
    stored.refresh_from_db()
    assert stored.revoked_at is not None and stored.version == 2
    assert _errors(client.post(url, data), 403)
    assert PublicReport.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_manage_clients(client, world, role):
    client.force_login(world.users[role])
    expected = 200 if role in ADMINS else 403
    assert_status(client.get(CLIENTS), expected)
    created = 302 if role in ADMINS else 403
    assert_status(client.post(CLIENTS, {"name": "x", "reports_per_hour": 5}), created)
    assert Open311Client.objects.count() == (1 if role in ADMINS else 0)


@pytest.mark.django_db
def test_a_client_form_with_bad_input_keeps_what_was_typed(client, world):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    page = client.post(CLIENTS, {"name": "热线", "reports_per_hour": "many"})
    assert_status(page, 400)
    assert page.context["form"]["name"].value() == "热线"
    assert not Open311Client.objects.exists()


@pytest.mark.django_db
def test_a_rejected_request_shows_only_its_status_and_reply(world):
    report = PublicReport.objects.create(
        code_hash="x" * 64,
        state=ReportState.REJECTED,
        description="诬告某企业",
        address="某路",
        region_code="640104",
        routed_by="county",
        public_reply="经核查不属实",
    )
    shown = open311.as_request(open311.one(report.pk), open311.county_names())
    assert (shown["status"], shown["description"], shown["address"]) == ("closed", "", "")
    assert shown["status_notes"] == "经核查不属实"
