"""The mentor side's pages, gathered from their modules."""
from fastapi import APIRouter, Depends

from cohorts import availability_views, matching_views, mentoring_views, reliability_views, speed_meeting_views
from totem.web.context import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)])
router.include_router(availability_views.router)
router.include_router(reliability_views.router)
router.include_router(mentoring_views.router)
router.include_router(matching_views.router)
router.include_router(speed_meeting_views.router)
