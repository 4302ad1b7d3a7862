"""Room credits in the JSON API: a start-up's balance and ledger."""
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from spaces.credits import service as credits
from spaces.credits.schemas import CreditEntryOut, CreditsOut
from totem.api.deps import api_user
from totem.identity.models import User
from totem.identity.service import load_memberships
from totem.web.context import get_db

router = APIRouter()


@router.get("/startups/{startup_id}/credits", response_model=CreditsOut, tags=["credits"],
            responses={403: {"description": "Not your start-up"}, 404: {"description": "No such start-up"}})
def get_credits(startup_id: int, user: User = Depends(api_user), db: Session = Depends(get_db)):
    """The start-up's credit balance and its ledger, newest first: its members and staff."""
    account, entries = credits.statement(db, actor=load_memberships(db, user), organisation_id=startup_id)
    return CreditsOut(startup_id=startup_id, balance=account.balance, allowance=account.allowance,
                      entries=[CreditEntryOut.model_validate(entry) for entry in entries])
