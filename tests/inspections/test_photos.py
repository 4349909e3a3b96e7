"""Photos of a visit: images only (told from their bytes, not their name), within the size
limit, for a photo item of the visit's checklist or the visit in general, sent again from the
phone without being stored twice, and added only by the visit's inspectors, whoever typed it,
and heads."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from bureau.models import Role
from inspections import services
from inspections.models import VisitPhoto
from tests.inspections.conftest import JPEG_BYTES, PDF_BYTES, PNG_BYTES, code_of, codes, photo, rows


@pytest.fixture
def visit(make_visit, campaign_a):
    return make_visit(campaign=campaign_a, answers={"real_name": True, "special_account": True, "paid_by_bank": True})


def add(staff, visit, who="inspector_a", **kw):
    kw.setdefault("file", photo())
    return services.photo_add(by=staff[who], visit=visit, **kw)


def refused(staff, visit, who="inspector_a", **kw):
    before = rows()
    with pytest.raises(ValidationError) as info:
        add(staff, visit, who, **kw)
    assert rows() == before
    [field] = codes(info.value)
    return field, code_of(info.value)


def test_a_photo_is_stored_under_the_visit_with_a_random_name(staff, visit, media):
    stored, new = add(
        staff, visit, item_key="notice_photo", caption=" 维权告示牌 ", file=photo(name="../../告示牌.JPG")
    )

    assert new
    assert (stored.item_key, stored.caption, stored.content_type) == ("notice_photo", "维权告示牌", "image/jpeg")
    assert stored.size == len(JPEG_BYTES) and stored.uploaded_by == staff["inspector_a"]
    assert stored.name == "告示牌.JPG"  # shown name: no path
    assert stored.file.name.startswith(f"inspections/339901/{visit.year}/{visit.seq}/")
    assert stored.file.name.endswith(".jpg") and "告示牌" not in stored.file.name
    assert (media / stored.file.name).read_bytes() == JPEG_BYTES


def test_a_photo_of_the_visit_in_general_has_no_item(staff, visit):
    stored, _new = add(staff, visit, file=photo(PNG_BYTES, "site.png", "image/png"))
    assert (stored.item_key, stored.content_type) == ("", "image/png")


def test_a_pdf_is_not_a_photo_whatever_its_name(staff, visit):
    assert refused(staff, visit, file=photo(PDF_BYTES, "照片.jpg", "image/jpeg")) == ("file", "attachment_type")
    assert refused(staff, visit, file=photo(b"MZ\x90\x00" * 20, "x.png", "image/png")) == ("file", "attachment_type")


def test_an_empty_file_is_refused(staff, visit):
    assert refused(staff, visit, file=photo(b"")) == ("file", "empty")


@override_settings(INSPECTION_PHOTO_MAX_BYTES=50)
def test_a_photo_over_the_limit_is_refused(staff, visit):
    assert len(JPEG_BYTES) > 50
    assert refused(staff, visit) == ("file", "attachment_size")
    small = b"\xff\xd8\xff\xe0" + b"\x00" * 40
    assert add(staff, visit, file=photo(small))[1]


def test_a_photo_sent_again_is_not_stored_twice(staff, visit):
    key = uuid.uuid4()
    first, new = add(staff, visit, client_uuid=key)
    before = rows()

    again, new_again = add(staff, visit, client_uuid=key)

    assert new and not new_again
    assert again == first
    assert rows() == before
    assert VisitPhoto.objects.count() == 1


def test_a_photo_item_must_be_a_photo_item_of_the_visits_checklist(staff, visit, make_visit):
    assert refused(staff, visit, item_key="no_such_item") == ("item_key", "unknown_item")
    assert refused(staff, visit, item_key="real_name") == ("item_key", "unknown_item")  # a yes/no item
    patrol = make_visit()  # no checklist
    assert refused(staff, patrol, item_key="notice_photo") == ("item_key", "unknown_item")


def test_a_visit_holds_at_most_so_many_photos(staff, visit, monkeypatch):
    monkeypatch.setattr(services, "MAX_PHOTOS_PER_VISIT", 2)
    add(staff, visit)
    add(staff, visit)
    assert refused(staff, visit) == ("file", "too_many")


def test_the_visits_inspectors_its_author_and_heads_may_add_photos(staff, visit, inspector_a2, make_visit):
    assert add(staff, visit, "head_a")[1]  # a head
    assert services.photo_add(by=inspector_a2, visit=visit, file=photo())[1]  # the second inspector
    typed_by_head = make_visit(by="head_a", inspectors=[staff["inspector_a"], inspector_a2])
    assert add(staff, typed_by_head, "head_a")[1]  # the author, a head here


def test_others_may_not_add_photos(staff, visit, tree, make_user):
    colleague = make_user("inspector_a3", tree.county_a, Role.INSPECTOR)  # of the county, not on the visit
    before = rows()
    with pytest.raises(PermissionDenied):
        services.photo_add(by=colleague, visit=visit, file=photo())
    with pytest.raises(PermissionDenied):
        add(staff, visit, "window_a")  # sees visits, records none
    with pytest.raises(VisitPhoto.visit.field.related_model.DoesNotExist):
        add(staff, visit, "head_b")  # another county: not even found
    assert rows() == before


def test_a_refused_photo_leaves_no_file_behind(staff, visit, media):
    refused(staff, visit, file=photo(PDF_BYTES, "a.jpg"))
    assert not any(path.is_file() for path in media.rglob("*"))
