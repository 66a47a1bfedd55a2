"""Reports: thin adapters to the report selectors (feedback/selectors/reports/)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BaseModel, ConfigDict, Field

from memnun.accounts.models import User
from memnun.api.auth import StaffToken
from memnun.api.errors import ErrorOut
from memnun.feedback.selectors.reports import Period, ReportFilters, kpi, pareto
from memnun.feedback.selectors.reports.scope import period_check

router = Router(tags=["reports"])

ParetoBy = Literal["category", "root_cause_category", "brand", "product", "office"]
_WHO = (
    "Quality managers, top management and auditors read every office; a reviewer reads their"
    " own office (no `office` means theirs, another office answers 403); other roles 403."
    " Cases are counted by the Istanbul date of `received_at`, `from` and `to` inclusive."
    " An unknown filter value, a malformed date or `to` before `from` answers 422 with"
    " `fields`."
)
_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


class ReportQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    period_from: date = Field(alias="from", description="First day, YYYY-MM-DD (Istanbul).")
    period_to: date = Field(alias="to", description="Last day, YYYY-MM-DD, inclusive.")
    office: str | None = None
    channel: str | None = None
    type: str | None = None
    brand: str | None = None
    category: str | None = None

    def period(self) -> Period:
        return period_check(start=self.period_from, end=self.period_to)

    def filters(self) -> ReportFilters:
        return ReportFilters(office=self.office, channel=self.channel, type=self.type,
                             brand=self.brand, category=self.category)


class ParetoQuery(ReportQuery):
    by: ParetoBy


class OverTimePointOut(BaseModel):
    start: str
    count: int


class OverTimeOut(BaseModel):
    unit: Literal["day", "week", "month"]
    points: list[OverTimePointOut]


class ReceivedOut(BaseModel):
    total: int
    by_channel: dict[str, int]
    by_type: dict[str, int]
    by_office: dict[str, int]
    by_brand: dict[str, int]
    by_category: dict[str, int]
    over_time: OverTimeOut


class ChannelAckOut(BaseModel):
    on_time: int
    late: int
    pending: int
    rate: float | None


class KpiAcknowledgementOut(BaseModel):
    on_time: int
    late: int
    pending: int
    rate: float | None
    by_channel: dict[str, ChannelAckOut]


class DurationOut(BaseModel):
    cases: int
    median: float | None
    p90: float | None


class TimesOut(BaseModel):
    acknowledgement: DurationOut
    first_response: DurationOut
    decision: DurationOut
    close: DurationOut


class WithinTargetOut(BaseModel):
    resolved: int
    within: int
    rate: float | None


class OfficeBacklogOut(BaseModel):
    open: int
    overdue: int
    oldest_days: int | None


class HandlerBacklogOut(BaseModel):
    handler: str | None
    name: str | None
    open: int
    overdue: int
    oldest_days: int | None


class BacklogOut(BaseModel):
    open: int
    overdue: int
    age_days: dict[str, int]
    by_office: dict[str, OfficeBacklogOut]
    by_handler: list[HandlerBacklogOut]


class KpiCompensationOut(BaseModel):
    count: int
    amount: str = Field(description="Turkish lira, two decimals, as text.")


class SurveyGroupOut(BaseModel):
    responses: int
    mean: float | None


class HandlerSurveyOut(SurveyGroupOut):
    handler: str | None
    name: str | None


class SatisfactionOut(BaseModel):
    responses: int
    mean: float | None
    distribution: dict[str, int]
    sent: int
    response_rate: float | None
    by_office: dict[str, SurveyGroupOut]
    by_category: dict[str, SurveyGroupOut]
    by_closure: dict[str, SurveyGroupOut]
    by_handler: list[HandlerSurveyOut]


class BusinessHoursOut(BaseModel):
    median: float | None
    p90: float | None


class KpiOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    period_from: str = Field(alias="from")
    period_to: str = Field(alias="to")
    filters: dict[str, str]
    received: ReceivedOut
    acknowledgement: KpiAcknowledgementOut
    times_business_hours: TimesOut
    status: dict[str, int]
    closed: dict[str, int]
    rejected_by_customer: int
    reopened: int
    resolved_within_target: WithinTargetOut
    backlog: BacklogOut
    escalated: int
    compensation: KpiCompensationOut
    satisfaction: SatisfactionOut
    resolution_business_hours: BusinessHoursOut


class ParetoItemOut(BaseModel):
    key: str | None
    label: str
    count: int
    share: float
    cumulative: float


class ParetoOut(BaseModel):
    by: ParetoBy
    total: int
    items: list[ParetoItemOut]


def _staff(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)  # set by StaffToken
    assert isinstance(user, User)
    return user


@router.get(
    "/reports/kpi", response={200: KpiOut, **_ERRORS}, auth=StaffToken(), by_alias=True,
    summary="KPI figures of a period",
    description=_WHO + " Every code of a breakdown is present, with 0 where nothing was"
    " counted. The metric definitions are in docs/reports.md.",
)
def reports_kpi(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return kpi(period=query.period(), filters=query.filters(), viewer=_staff(request))


@router.get(
    "/reports/pareto", response={200: ParetoOut, **_ERRORS}, auth=StaffToken(),
    summary="Pareto of complaints by one key",
    description=_WHO + " Complaints only, largest first (ties by key), with share and"
    " cumulative share to three decimals; cases without a value under `\"key\": null`.",
)
def reports_pareto(request: HttpRequest, query: Query[ParetoQuery]) -> Any:
    return pareto(period=query.period(), by=query.by, filters=query.filters(),
                  viewer=_staff(request))
