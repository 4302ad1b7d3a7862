"""The ASGI application for uvicorn: `totem.asgi:app`."""
from totem.app import create_app

app = create_app()
