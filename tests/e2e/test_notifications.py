"""The bell in the header and the notifications page: unread count, open, mark all read."""

from __future__ import annotations

from playwright.sync_api import expect

from bureau.models import Notification
from bureau.notify import notify


def test_a_clerk_sees_his_notifications_and_marks_them_read(logged_in, staff):
    notify(users=[staff["window_a"]], kind="test", title="案件 339901-2026-0001 受理期限还剩1个工作日", url="/")
    notify(users=[staff["window_a"]], kind="test", title="案件 339901-2026-0002 已超期1个工作日", url="/")
    notify(users=[staff["window_b"]], kind="test", title="西山的通知", url="/")
    page = logged_in("window_a")
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    page.get_by_test_id("notifications-link").click()
    results = page.get_by_test_id("results")
    expect(results).to_contain_text("339901-2026-0001")
    expect(results).to_contain_text("339901-2026-0002")
    expect(results).not_to_contain_text("西山的通知")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_test_id("unread-count")).to_be_hidden()
    assert not Notification.objects.filter(user=staff["window_a"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=staff["window_b"], read_at__isnull=True).count() == 1
