"""The report's query."""

# No `from __future__ import annotations` in the request models: pydantic would compile
# and evaluate every annotation string again when it creates the classes (a cold
# request's first validation pays it); a class's reference to itself is `Self`.
from typing import ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from inquiries.api.schemas.fields import (
    Day,
    Id,
)
from inquiries.domain.report.periods import Interval

# A year at most, a leap year's included: a longer question is several reports.
MAX_PERIOD_DAYS = 366


class ReportQuery(BaseModel):
    one_of: ClassVar[tuple[str, ...]] = ("from", "to")

    from_: Day = Field(alias="from")
    to: Day
    partner_id: Id | None = None
    format: Literal["json", "csv", "xlsx"] = "json"
    interval: Interval | None = None

    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.to < self.from_:
            raise ValueError('"to" is before "from"')
        if (self.to - self.from_).days + 1 > MAX_PERIOD_DAYS:  # both days count
            raise ValueError(f"the period covers more than {MAX_PERIOD_DAYS} days")
        return self
