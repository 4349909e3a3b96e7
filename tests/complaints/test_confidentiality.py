"""What the acceptance review of the complaint workflow found: penalty files hidden with their
act, the reporter masked in the audit log, dates and counts of acts that must make sense."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.models import Complaint, Kind, Status

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def test_a_penalty_notice_file_is_hidden_from_window_staff_and_not_on_the_receipt(make_case, staff, api, client):
    case = make_case(Status.ACCEPTED)
    notice = services.complaint_act(
        complaint=case, by=staff["head_a"], act="notify_penalty", data={"legal_basis": "条例"}
    )
    services.attachment_add(
        complaint=case, by=staff["head_a"], file=SimpleUploadedFile("告知书.pdf", PDF, "application/pdf"), event=notice
    )
    head = api(staff["head_a"]).get(f"/api/v1/complaints/{case.pk}/").json()
    assert [a["name"] for a in head["attachments"]] == ["告知书.pdf"]
    window = api(staff["window_a"])
    body = window.get(f"/api/v1/complaints/{case.pk}/").json()
    assert body["attachments"] == []
    attachment_id = head["attachments"][0]["id"]
    assert window.get(f"/api/v1/complaints/{case.pk}/attachments/{attachment_id}/download/").status_code == 404
    client.force_login(staff["window_a"])
    assert "告知书" not in client.get(f"/complaints/{case.pk}/receipt/").content.decode()


def test_the_reporter_is_masked_in_the_audit_log(staff, employer_a, wages):
    case = services.complaint_register(
        by=staff["window_a"],
        employer=employer_a,
        categories=[wages],
        facts="举报工地拖欠工资",
        kind=Kind.REPORT,
        reporter_name="举报人甲",
        reporter_phone="+8613812345678",
    )
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=case.pk
    ).values_list("changes", flat=True)
    text = " ".join(str(e) for e in entries)
    assert "举报人甲" not in text
    assert "13812345678" not in text


def test_act_dates_before_the_case_and_too_many_workers_paid_are_refused(make_case, staff, api: Any):
    case = make_case(Status.ACCEPTED, received_on=dt.date(2026, 9, 28))
    client = api(staff["inspector_a"])
    early = client.post(
        f"/api/v1/complaints/{case.pk}/acts/",
        {
            "act": "transfer",
            "reason": "移送",
            "data": {"body": "court", "receiver": "法院", "transferred_on": "2026-01-01"},
        },
        format="json",
    )
    assert early.status_code == 400
    assert early.json()["errors"][0]["field"] == "data.transferred_on"
    huge = client.post(
        f"/api/v1/complaints/{case.pk}/acts/",
        {"act": "notify_penalty", "data": {"legal_basis": "条例", "proposed_amount": "999999999999.99"}},
        format="json",
    )
    assert huge.status_code == 400


def test_closure_cannot_be_requested_while_an_extension_awaits_a_decision(make_case, staff):
    case = make_case(Status.EXTENSION_REQUESTED)
    assert "request_closure" not in services.allowed_acts(staff["inspector_a"], case)


def test_an_attachment_is_named_after_what_it_really_is(make_case, staff):
    case = make_case()
    attachment = services.attachment_add(
        complaint=case, by=staff["window_a"], file=SimpleUploadedFile("x.html", PDF, "text/html")
    )
    assert attachment.name == "x.pdf"
    assert attachment.content_type == "application/pdf"
