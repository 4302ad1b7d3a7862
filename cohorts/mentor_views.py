"""The mentor side's pages, gathered from their modules."""
from fastapi import APIRouter, Depends

from cohorts import availability_views
from cohorts import mentoring_views
from cohorts import reliability_views
from totem.web.context import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)])
router.include_router(availability_views.router)
router.include_router(reliability_views.router)
router.include_router(mentoring_views.router)
