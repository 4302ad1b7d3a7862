"""What a JSON route answers after a change: the change committed first, then the row as it now stands."""
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

Row = TypeVar("Row")
Out = TypeVar("Out")


def committed(db: Session, row: Row, answer: Callable[[Row], Out]) -> Out:
    """Commit the request's change, then build the answer (the row is read again after the commit)."""
    db.commit()
    return answer(row)
