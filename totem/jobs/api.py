"""Jobs in the API: managers list them with their last run."""
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from totem import clock
from totem.api.deps import api_user
from totem.identity.models import User
from totem.jobs import runner
from totem.i18n import shown, translate
from totem.jobs.registry import collect_jobs
from totem.permissions import require
from totem.settings import Settings
from totem.web.context import get_db, get_settings_dep

router = APIRouter(tags=["jobs"])


class JobOut(BaseModel):
    name: str
    description: str
    trigger: str
    next_fire_time: datetime | None
    last_status: str | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_summary: str | None


@router.get("/jobs", response_model=list[JobOut], responses={403: {"description": "Staff only"}})
def list_jobs(request: Request, user: User = Depends(api_user), db: Session = Depends(get_db), settings: Settings = Depends(get_settings_dep)):
    require(user, "jobs.manage")
    locale = request.state.api_locale  # descriptions and summaries in the caller's language, as errors are
    return [
        JobOut(
            name=s.name, description=translate(locale, s.description), trigger=s.trigger, next_fire_time=s.next_fire_time,
            last_status=s.last_status, last_started_at=s.last_started_at, last_finished_at=s.last_finished_at,
            last_summary=shown(s.last_summary, locale) if s.last_summary else None,
        )
        for s in runner.list_job_status(db, collect_jobs(), clock.now(), settings.tz)
    ]
