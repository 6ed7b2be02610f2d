"""The console kit: the page and API registry, request and response schemas, the OpenAPI
document, charts, the message catalogue and page rendering. It knows no feature: features
plug their pages, sections and endpoints in through :class:`Console`."""
from console.kit.api import ApiCall, ApiError
from console.kit.app import Console
from console.kit.registry import Param
from console.kit.web import PageContext

__all__ = ["ApiCall", "ApiError", "Console", "PageContext", "Param"]
