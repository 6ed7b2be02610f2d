"""Message templates written by marketers and support staff (welcome messages, FAQ answers),
rendered with jinja2 in a sandbox: a template can use the values it is given, nothing else."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

_ENV = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined, trim_blocks=True)


class TemplateProblem(ValueError):
    """A template does not parse or uses a value it was not given."""


@lru_cache(maxsize=512)
def _compile(source: str):
    try:
        return _ENV.from_string(source)
    except TemplateError as exc:
        raise TemplateProblem(f"template does not parse: {exc}") from None


def check_template(source: str) -> None:
    """Raise TemplateProblem if ``source`` is not a valid template."""
    _compile(source)


def render_message(source: str, **values: Any) -> str:
    """Render a message template; missing values are an error, not silently blank."""
    try:
        return _compile(source).render(**values).strip()
    except TemplateProblem:
        raise
    except TemplateError as exc:
        raise TemplateProblem(f"template cannot be rendered: {exc}") from None
