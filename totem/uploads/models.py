"""An uploaded file waiting for its uploader to confirm what its preview showed."""
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from totem.db import Base


class PendingUpload(Base):
    __tablename__ = "pending_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The hash of the token the preview page carries: the token alone does not name a row.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(index=True)
