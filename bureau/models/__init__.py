from bureau.models.audit import AccessAction, PersonalDataAccess
from bureau.models.calendar import CalendarDay, CalendarYear, DayKind
from bureau.models.notifications import Notification
from bureau.models.numbering import CaseCounter
from bureau.models.parties import (
    Employer,
    EmployerRegistration,
    EmployerSize,
    EmployerType,
    Industry,
    Sex,
    Worker,
    WorkerRegistration,
)
from bureau.models.regions import Region, RegionLevel
from bureau.models.staff import Role, StaffRole, User

__all__ = [
    "AccessAction",
    "CalendarDay",
    "CalendarYear",
    "CaseCounter",
    "DayKind",
    "Employer",
    "EmployerRegistration",
    "EmployerSize",
    "EmployerType",
    "Industry",
    "Notification",
    "PersonalDataAccess",
    "Region",
    "RegionLevel",
    "Role",
    "Sex",
    "StaffRole",
    "User",
    "Worker",
    "WorkerRegistration",
]
