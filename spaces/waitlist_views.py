from fastapi import APIRouter, Depends

from totem.web.context import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)])
