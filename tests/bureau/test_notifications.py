"""In-app notifications: notify() with its dedupe key and pluggable channels, the API (own
notifications only, unread filter and count, mark read, mark all read) and the page."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bureau import notify
from bureau.models import Notification
from tests.bureau.conftest import assert_error


def send(users, title="案件 339901-2026-0001 受理期限还剩1个工作日", **extra):
    extra.setdefault("kind", "deadline_soon")
    extra.setdefault("url", "/complaints/1/")
    return notify.notify(users=users, title=title, body="期限：2026-10-10。", **extra)


@pytest.fixture
def channel_log():
    """Registers a recording channel and a failing one; unregisters both afterwards."""
    received = []

    def record(notification):
        received.append((notification.user.username, notification.title, notification.pk))

    def broken(notification):
        raise RuntimeError("SMS gateway down")

    notify.register_channel("broken", broken)
    notify.register_channel("record", record)
    yield received
    notify.unregister_channel("broken")
    notify.unregister_channel("record")


# notify() and channels


def test_notify_creates_one_notification_per_user_and_counts_a_repeated_user_once(staff):
    created = send([staff["inspector_a"], staff["head_a"], staff["inspector_a"]])
    assert sorted(n.user.username for n in created) == ["head_a", "inspector_a"]
    assert all(n.pk for n in created)
    stored = Notification.objects.get(user=staff["inspector_a"])
    assert stored.kind == "deadline_soon"
    assert stored.url == "/complaints/1/"
    assert stored.read_at is None


def test_the_same_dedupe_key_notifies_each_user_once(staff):
    first = send([staff["inspector_a"]], dedupe_key="deadline:1:acceptance:soon:2026-10-09")
    again = send([staff["inspector_a"], staff["head_a"]], dedupe_key="deadline:1:acceptance:soon:2026-10-09")
    assert len(first) == 1
    assert [n.user.username for n in again] == ["head_a"]
    assert Notification.objects.filter(user=staff["inspector_a"]).count() == 1
    send([staff["inspector_a"]], dedupe_key="deadline:1:acceptance:soon:2026-10-10")
    assert Notification.objects.filter(user=staff["inspector_a"]).count() == 2


def test_a_key_stored_meanwhile_by_another_process_is_skipped_not_raised(staff, monkeypatch):
    send([staff["inspector_a"]], dedupe_key="k")
    # As if another worker inserted the key between our check and our insert.
    monkeypatch.setattr(notify, "_without_existing", lambda items: list(items))
    created = send([staff["inspector_a"], staff["head_a"]], dedupe_key="k")
    assert [n.user.username for n in created] == ["head_a"]
    assert Notification.objects.filter(dedupe_key="k").count() == 2


def test_without_a_dedupe_key_every_call_notifies(staff):
    send([staff["inspector_a"]])
    send([staff["inspector_a"]])
    assert Notification.objects.filter(user=staff["inspector_a"]).count() == 2


def test_the_database_refuses_a_duplicate_key_for_the_same_user(staff):
    from django.db import IntegrityError

    send([staff["inspector_a"]], dedupe_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=staff["inspector_a"], kind="x", title="t", dedupe_key="k")


def test_a_registered_channel_receives_each_new_notification_and_a_failing_one_is_only_logged(
    staff, channel_log, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.ERROR, logger="bureau.notify"), django_capture_on_commit_callbacks(execute=True):
        created = send([staff["inspector_a"], staff["head_a"]], dedupe_key="k1")
    assert sorted(channel_log) == sorted((n.user.username, n.title, n.pk) for n in created)
    assert "broken" in caplog.text and "SMS gateway down" in caplog.text
    # A duplicate is not sent again.
    with django_capture_on_commit_callbacks(execute=True):
        assert send([staff["inspector_a"]], dedupe_key="k1") == []
    assert len(channel_log) == 2


def test_channels_wait_for_the_commit_and_get_nothing_for_a_rollback(
    staff, channel_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError), transaction.atomic():
        send([staff["inspector_a"]])
        assert channel_log == []
        raise ValueError("the caller's work failed")
    assert channel_log == []
    assert not Notification.objects.exists()


def test_notify_many_stores_a_batch_in_a_fixed_number_of_queries(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def batch(tag, names):
        return [
            Notification(user=staff[name], kind="deadline_overdue", title="t", dedupe_key=f"{tag}:{i}")
            for i in range(10)
            for name in names
        ]

    with CaptureQueriesContext(connection) as one:
        assert len(notify.notify_many(batch("a", ["inspector_a"]))) == 10
    with CaptureQueriesContext(connection) as many:
        assert len(notify.notify_many(batch("b", ["inspector_a", "head_a", "window_a", "bureau_head_a"]))) == 40
    # the existing keys, then one insert (in a savepoint)
    assert len(many) == len(one) <= 4


# API


@pytest.fixture
def inbox(staff):
    """Three notifications of inspector A (one read) and one of inspector B."""
    older = send([staff["inspector_a"]], title="旧通知")[0]
    notify.mark_read(notification=older)
    send([staff["inspector_a"]], title="第二条")
    newest = send([staff["inspector_a"]], title="最新")[0]
    other = send([staff["inspector_b"]], title="别人的")[0]
    return {"newest": newest, "older": older, "other": other}


def test_the_list_has_the_users_own_notifications_newest_first(api, staff, inbox):
    response = api(staff["inspector_a"]).get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [row["title"] for row in body["results"]] == ["最新", "第二条", "旧通知"]
    first = body["results"][0]
    assert set(first) == {"id", "kind", "title", "body", "url", "created_at", "read_at", "read"}
    assert first["read"] is False and first["read_at"] is None
    assert body["results"][2]["read"] is True


def test_the_list_filters_unread_and_read_and_pages(api, staff, inbox):
    client = api(staff["inspector_a"])
    unread = client.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert [row["title"] for row in unread["results"]] == ["最新", "第二条"]
    read = client.get("/api/v1/notifications/", {"unread": "false"}).json()
    assert [row["title"] for row in read["results"]] == ["旧通知"]
    page = client.get("/api/v1/notifications/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3
    assert [row["title"] for row in page["results"]] == ["旧通知"]


def test_the_unread_count(api, staff, inbox):
    assert api(staff["inspector_a"]).get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    assert api(staff["inspector_b"]).get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert api(staff["head_a"]).get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_marking_one_read_keeps_the_first_reading_time(api, staff, inbox):
    client = api(staff["inspector_a"])
    url = f"/api/v1/notifications/{inbox['newest'].pk}/read/"
    response = client.post(url)
    assert response.status_code == 200
    assert response.json()["read"] is True
    first_read = response.json()["read_at"]
    assert client.post(url).json()["read_at"] == first_read
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}


def test_another_users_notification_is_not_found(api, staff, inbox):
    client = api(staff["inspector_a"])
    other = inbox["other"].pk
    assert_error(client.post(f"/api/v1/notifications/{other}/read/"), 404, "not_found")
    assert_error(client.get(f"/api/v1/notifications/{other}/"), 404, "not_found")
    assert Notification.objects.get(pk=other).read_at is None
    # Not even a superuser sees another person's notifications.
    staff["city_head"].is_superuser = True
    staff["city_head"].save()
    assert_error(api(staff["city_head"]).get(f"/api/v1/notifications/{other}/"), 404, "not_found")


def test_marking_all_read_touches_only_the_users_own(api, staff, inbox):
    client = api(staff["inspector_a"])
    response = client.post("/api/v1/notifications/read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread": 0}
    assert not Notification.objects.filter(user=staff["inspector_a"], read_at__isnull=True).exists()
    assert Notification.objects.get(pk=inbox["other"].pk).read_at is None
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0, "unread": 0}


def test_anonymous_requests_are_refused(db, api):
    client = api(None)
    for method, url in (
        ("get", "/api/v1/notifications/"),
        ("get", "/api/v1/notifications/unread-count/"),
        ("post", "/api/v1/notifications/read-all/"),
    ):
        assert_error(getattr(client, method)(url), 401, "not_authenticated")


def test_the_scoping_contract_holds_for_notifications(api, staff):
    """What tests/bureau/test_api_scoping.py asks of every viewset, for a notification of a
    clerk of county A: nobody else sees it, not even in his own county or without a region."""
    note = send([staff["window_a"]])[0]
    assert [row["id"] for row in api(staff["window_a"]).get("/api/v1/notifications/").json()["results"]] == [note.pk]
    for who in ("window_b", "head_b", "nobody", "head_a"):
        client = api(staff[who])
        assert client.get("/api/v1/notifications/").json()["count"] == 0, who
        assert_error(client.get(f"/api/v1/notifications/{note.pk}/"), 404, "not_found")


def test_unread_count_helper_for_the_header(staff, inbox):
    from django.contrib.auth.models import AnonymousUser

    assert notify.unread_count(staff["inspector_a"]) == 2
    assert notify.unread_count(AnonymousUser()) == 0


# Page


def test_the_notifications_page_asks_anonymous_visitors_to_log_in(db):
    response = Client().get(reverse("notifications"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_notifications_page_is_a_shell_over_the_api(staff):
    client = Client()
    client.force_login(staff["window_a"])
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/notifications/" in page
    assert "全部标为已读" in page
    assert 'data-testid="mark-all-read"' in page
