"""Every status x act pair: allowed acts move the case as the table says and write the
timeline; every other act is refused with InvalidTransition naming what is allowed."""

from __future__ import annotations

import pytest

from complaints import services, workflow
from complaints.models import Event, Status
from tests.complaints.conftest import act_kwargs

ACTORS = {
    # who may do each act in these tests (heads may do everything heads and inspectors do)
    name: ("head_a" if act.roles <= workflow.HEADS or act.assigned_only else "window_a")
    for name, act in workflow.ACTS.items()
}


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("act", list(workflow.ACTS))
def test_every_act_from_every_status(status, act, make_case, staff, inspector_a2):
    case = make_case(status)
    if act == "decide_penalty" and status in workflow.ACTS["notify_penalty"].sources:
        # a penalty is decided only after the employer was told (陈述申辩)
        services.complaint_act(complaint=case, by=staff["head_a"], act="notify_penalty")
    events_before = Event.objects.filter(complaint=case).count()
    spec = workflow.ACTS[act]
    kwargs = act_kwargs(act, staff, inspector_a2)
    allowed = status in spec.sources and not (act == "approve_extension" and case.extended)
    if not allowed:
        with pytest.raises(services.InvalidTransition) as info:
            services.complaint_act(complaint=case, by=staff[ACTORS[act]], act=act, **kwargs)
        assert case.get_status_display() in info.value.message
        assert info.value.allowed == [a.name for a in workflow.allowed_from(status)]
        case.refresh_from_db()
        assert case.status == status
        assert Event.objects.filter(complaint=case).count() == events_before
        return
    event = services.complaint_act(complaint=case, by=staff[ACTORS[act]], act=act, **kwargs)
    case.refresh_from_db()
    assert case.status == (spec.to or status)
    assert (event.action, event.from_status, event.to_status) == (act, status, case.status)
    assert event.by == staff[ACTORS[act]]
    assert Event.objects.filter(complaint=case).count() == events_before + 1


def test_terminal_statuses_allow_nothing():
    for status in workflow.TERMINAL:
        assert workflow.allowed_from(status) == []
