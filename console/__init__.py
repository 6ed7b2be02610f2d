"""The web console, the REST API and staff access. Mount with :func:`setup_console`; feature
modules add pages and endpoints through the returned :class:`Console`."""
from console.kit.api import ApiCall, ApiError
from console.kit.app import Console, setup_console
from console.kit.registry import Param
from console.kit.web import PageContext

__all__ = ["ApiCall", "ApiError", "Console", "PageContext", "Param", "setup_console"]
