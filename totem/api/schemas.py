"""Input and output schemas of the core API."""
from pydantic import BaseModel, EmailStr


class TokenRequest(BaseModel):
    email: EmailStr
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class StartupRef(BaseModel):
    id: int
    name: str


class MeOut(BaseModel):
    id: int
    email: str
    name: str
    locale: str
    roles: list[str]
    startups: list[StartupRef]
    calendar_url: str


class ErrorOut(BaseModel):
    detail: str
