from typing import Any

from django.http import HttpRequest

from bureau import roles


def staff(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from bureau.notify import unread_count
    from bureau.workdays import admin_warnings

    return {
        "can_edit_parties": roles.can(user, "parties.edit"),
        "can_reveal_pii": roles.can(user, "parties.reveal_pii"),
        "is_admin": roles.can(user, "admin.manage"),
        "can_view_complaints": roles.can(user, "complaints.view"),
        "can_view_wagecases": roles.can(user, "wagecases.view"),
        "can_register_complaints": roles.can(user, "complaints.register"),
        "can_view_inspections": roles.can(user, "inspections.view"),
        "can_record_inspections": roles.can(user, "inspections.record"),
        "can_plan_inspections": roles.can(user, "inspections.plan"),
        "staff_warnings": admin_warnings(user),
        "unread_notifications": unread_count(user),
    }
