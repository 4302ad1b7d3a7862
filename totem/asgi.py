"""The ASGI application for uvicorn: `totem.asgi:app`."""
import gc

from totem.app import create_app

app = create_app()
# The ~250,000 objects of the loaded modules live as long as the process: leave them out of the cyclic
# collector's full passes, which otherwise stall a request for 100+ ms every few busy pages.
gc.freeze()
