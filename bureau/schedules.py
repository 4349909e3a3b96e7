"""The default beat schedule, stored with django-celery-beat so administrators can change it
in the admin. Created after `migrate` when missing; never overwritten once it exists."""

from __future__ import annotations

from typing import Any

DEFAULT_SCHEDULES: list[dict[str, Any]] = [
    {
        "name": "清理过期会话 / clear expired sessions",
        "task": "bureau.clear_expired_sessions",
        "crontab": {"minute": "15", "hour": "3"},
    },
    {
        "name": "检查年度节假日安排 / check the working-day calendar",
        "task": "bureau.check_calendar",
        "crontab": {"minute": "0", "hour": "7"},
    },
    {
        "name": "案件期限提醒 / notify of near and overdue case deadlines",
        "task": "complaints.check_deadlines",
        "crontab": {"minute": "30", "hour": "7"},
    },
    {
        "name": "失信名单和重大违法公布：提出拟列入、期满移出 / defaulter list: propose and expire",
        "task": "wagecases.review_listings",
        "crontab": {"minute": "45", "hour": "6"},
    },
    {
        "name": "整改指令逾期提醒 / remind of overdue rectification orders",
        "task": "inspections.remind_overdue_orders",
        "crontab": {"minute": "5", "hour": "7"},
    },
]


def ensure_schedules(**kwargs: Any) -> None:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for entry in DEFAULT_SCHEDULES:
        if PeriodicTask.objects.filter(name=entry["name"]).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            **entry["crontab"], day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        PeriodicTask.objects.create(name=entry["name"], task=entry["task"], crontab=crontab)
