"""The REST API (API-1). Resources are added one module each by later work."""

from ninja import NinjaAPI

from billetterie import __version__
from billetterie.api.checkin import router as checkin_router

api = NinjaAPI(
    title="billetterie API",
    version=__version__,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/checkin/", checkin_router)
