"""The mentor side's JSON API, gathered from its modules."""
from fastapi import APIRouter

from cohorts import availability_api, matching_api, reliability_api, sessions_api, speed_meeting_api

router = APIRouter()
router.include_router(sessions_api.router)
router.include_router(availability_api.router)
router.include_router(reliability_api.router)
router.include_router(matching_api.router)
router.include_router(speed_meeting_api.router)
