"""Attachments of a case: the type is told from the first bytes, never from the name (scans,
photos, Word and Excel files accepted; executables, scripts, HTML and other zips refused), at
most 10 MB, nothing stored on a refusal, and the file served only to users who see the case."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from bureau.models import PersonalDataAccess
from complaints.models import Attachment, Event
from tests.bureau.conftest import assert_error

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名", "金额"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client: Any, case: Any, name: str, content: bytes, **extra: Any) -> Any:
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(f"/api/v1/complaints/{case.pk}/attachments/", {"file": file, **extra}, format="multipart")


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_a_photo_is_attached_and_listed_on_the_case(make_case: Any, staff: Any, api: Any, media: Path) -> None:
    case = make_case()
    client = api(staff["window_a"])
    response = upload(client, case, "欠条照片.png", PNG)
    assert response.status_code == 201, response.content
    body = response.json()
    attachment = Attachment.objects.get()
    assert {k: body[k] for k in ("id", "name", "size", "content_type")} == {
        "id": attachment.pk,
        "name": "欠条照片.png",
        "size": len(PNG),
        "content_type": "image/png",
    }
    assert body["url"] == f"/api/v1/complaints/{case.pk}/attachments/{attachment.pk}/download/"
    assert attachment.uploaded_by == staff["window_a"]
    # stored under a random name: nothing of the user's file name reaches the disk
    [path] = stored_files(media)
    assert path.suffix == ".png" and "欠条" not in str(path)
    listed = client.get(f"/api/v1/complaints/{case.pk}/").json()["attachments"]
    assert [a["url"] for a in listed] == [body["url"]]
    assert set(listed[0]) >= {"id", "name", "size", "content_type", "url", "uploaded_at"}


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("anim.gif", GIF, "image/gif"),
        ("photo.webp", WEBP, "image/webp"),
        ("合同.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("工资表.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("旧表.xls", OLE, "application/vnd.ms-excel"),
        ("旧文档.doc", OLE, "application/msword"),
        ("misnamed.txt", PDF, "application/pdf"),
    ],
)
def test_scans_photos_and_office_files_are_accepted_by_their_content(
    name: str, content: bytes, content_type: str, make_case: Any, staff: Any, api: Any
) -> None:
    response = upload(api(staff["inspector_a"]), make_case(), name, content)
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # a Windows executable named .pdf
        ("photo.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("notes.docx", b"#!/bin/sh\nrm -rf /\n"),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("page.html", b"<html><body>hi</body></html>"),
        ("archive.docx", zipped({"payload.exe": b"MZ"})),
        ("macro.docx", zipped({"[Content_Types].xml": b"<Types/>", "word/vbaProject.bin": b"\x00"})),
        ("broken.xlsx", b"PK\x03\x04 not really a zip"),
        ("text.txt", "工资清单".encode()),
    ],
)
def test_anything_else_is_refused_whatever_its_name_and_nothing_is_stored(
    name: str, content: bytes, make_case: Any, staff: Any, api: Any, media: Path
) -> None:
    response = upload(api(staff["window_a"]), make_case(), name, content)
    assert_error(response, 400, "invalid", [("file", "attachment_type")])
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_10_mb_is_refused(make_case: Any, staff: Any, api: Any, media: Path) -> None:
    big = PNG + b"\x00" * (10 * 1024 * 1024 + 1 - len(PNG))
    response = upload(api(staff["window_a"]), make_case(), "huge.png", big)
    assert_error(response, 400, "invalid", [("file", "attachment_size")])
    assert "10 MB" in response.json()["errors"][0]["message"]
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_exactly_10_mb_is_accepted_and_the_limit_is_a_setting(
    make_case: Any, staff: Any, api: Any, settings: Any
) -> None:
    case = make_case()
    limit = PNG + b"\x00" * (10 * 1024 * 1024 - len(PNG))
    assert upload(api(staff["window_a"]), case, "limit.png", limit).status_code == 201
    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 100
    response = upload(api(staff["window_a"]), case, "small.png", PNG + b"\x00" * 100)
    assert_error(response, 400, "invalid", [("file", "attachment_size")])


def test_an_empty_file_is_refused(make_case: Any, staff: Any, api: Any) -> None:
    assert_error(upload(api(staff["window_a"]), make_case(), "empty.png", b""), 400, "invalid", [("file", "empty")])


def test_an_attachment_may_belong_to_an_event_of_that_case_only(make_case: Any, staff: Any, api: Any) -> None:
    case, other = make_case(), make_case()
    own_event = Event.objects.filter(complaint=case).first()
    foreign_event = Event.objects.filter(complaint=other).first()
    client = api(staff["window_a"])
    assert upload(client, case, "a.png", PNG, event=own_event.pk).json()["event"] == own_event.pk
    response = upload(client, case, "b.png", PNG, event=foreign_event.pk)
    assert_error(response, 400, "invalid", [("event", "does_not_exist")])
    assert Attachment.objects.count() == 1


def test_unknown_form_fields_are_refused(make_case: Any, staff: Any, api: Any) -> None:
    response = upload(api(staff["window_a"]), make_case(), "a.png", PNG, uploaded_by=1)
    assert_error(response, 400, "invalid", [("uploaded_by", "unknown_field")])


def test_the_file_is_downloaded_by_those_who_see_the_case_and_the_read_recorded(
    make_case: Any, staff: Any, api: Any
) -> None:
    case = make_case()
    url = upload(api(staff["window_a"]), case, "欠条.png", PNG).json()["url"]
    response = api(staff["inspector_a"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    access = PersonalDataAccess.objects.get(model="complaints.Attachment")
    assert access.user == staff["inspector_a"]


@pytest.mark.parametrize("who", ["window_b", "head_b", "assistant_a1", "admin_a"])
def test_staff_who_cannot_see_the_case_can_neither_download_nor_upload(
    who: str, make_case: Any, staff: Any, api: Any
) -> None:
    case = make_case()
    url = upload(api(staff["window_a"]), case, "a.png", PNG).json()["url"]
    assert_error(api(staff[who]).get(url), 404, "not_found")
    assert_error(upload(api(staff[who]), case, "b.png", PNG), 404, "not_found")
    assert Attachment.objects.count() == 1


def test_an_attachment_of_another_case_is_not_found_through_this_one(make_case: Any, staff: Any, api: Any) -> None:
    case, other = make_case(), make_case()
    attachment_id = upload(api(staff["window_a"]), other, "a.png", PNG).json()["id"]
    response = api(staff["window_a"]).get(f"/api/v1/complaints/{case.pk}/attachments/{attachment_id}/download/")
    assert_error(response, 404, "not_found")


def test_anonymous_callers_cannot_download(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case()
    url = upload(api(staff["window_a"]), case, "a.png", PNG).json()["url"]
    assert api(None).get(url).status_code in (401, 403)
