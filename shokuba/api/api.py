"""The versioned JSON API (/api/v1/), OpenAPI schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="Shokuba API", version="1", urls_namespace="api-v1")
