"""The one home for customer-facing text templates (FAQ answers, welcomes, the privacy page;
next pushes and surveys): one sandboxed jinja environment, compiled templates cached, every
render bounded in CPU, memory and output.

Templates are written by marketers and support staff, so a template may use the values it is
given and nothing else, and no template can stall the server: ``range`` and repetition are
capped, every loop step and call spends from a time budget, padding and replacing cannot
build a huge string, and the output is cut off at ``MAX_OUTPUT`` characters. Any failure is a
:class:`TemplateProblem`; :func:`render_safely` turns it into a fallback text and a report to
the template's author.

Two dialects share the environment: ``strict`` (a missing value is an error; block tags trim
their newline) for welcomes and pages, ``lenient`` (a missing value renders empty) for FAQ
answers, whose authors write ``{{ owner_name }}`` that only some answers are given; ``html``
is ``strict`` with autoescaping, for the pages customers open (the privacy policy).
"""
from __future__ import annotations

import contextvars
import logging
import operator
import re
import time
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping

from jinja2 import StrictUndefined, Template, TemplateError, Undefined, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

log = logging.getLogger(__name__)

MAX_RANGE = 10_000  # items one range() may produce
MAX_STRING = 100_000  # characters (or items) one operation may build
MAX_OUTPUT = 100_000  # characters a render may produce
TIME_BUDGET = 0.1  # seconds of CPU one render may take
_CHECK_EVERY = 64  # loop steps between clock reads
_PADDING = {"center", "ljust", "rjust", "zfill", "expandtabs"}
_UNSAFE_STR = {"format", "format_map", "encode"}
_DEADLINE: contextvars.ContextVar[float] = contextvars.ContextVar("template_deadline", default=float("inf"))


class TemplateProblem(ValueError):
    """A template does not parse, fails, or exceeds its bounds while rendering."""


def _over_budget() -> None:
    if time.perf_counter() > _DEADLINE.get():
        raise TemplateProblem(f"takes longer than {TIME_BUDGET * 1000:.0f} ms to render")


def _too_big(size: int) -> None:
    if size > MAX_STRING:
        raise TemplateProblem(f"builds a value of {size:,} items (at most {MAX_STRING:,})")


def safe_range(*args: int) -> range:
    """``range`` capped at MAX_RANGE items."""
    made = range(*args)
    if len(made) > MAX_RANGE:
        raise TemplateProblem(f"range of {len(made):,} items (at most {MAX_RANGE:,})")
    return made


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _repeat(left: Any, right: Any) -> Any:
    for seq, times in ((left, right), (right, left)):
        if _sized(seq) and isinstance(times, int):
            _too_big(len(seq) * max(times, 0))
    return operator.mul(left, right)


def _power(left: Any, right: Any) -> Any:
    if isinstance(right, int) and isinstance(left, int) and abs(left) > 1 and right > 64:
        raise TemplateProblem(f"power {left} ** {right} is too large")
    return operator.pow(left, right)


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str) and re.search(r"%[-+ #0]*(\d{4,}|\*)", left):  # printf widths can be huge
        raise TemplateProblem("a %-format width over 999 is not allowed")
    return operator.mod(left, right)


def _add(left: Any, right: Any) -> Any:
    if _sized(left) and _sized(right):
        _too_big(len(left) + len(right))
    return operator.add(left, right)


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {"*": _repeat, "**": _power, "%": _modulo, "+": _add}


def _checked_call(name: str, args: tuple, kwargs: dict) -> None:
    """Refuse str methods whose arguments would build a huge string."""
    if name in _UNSAFE_STR:
        raise TemplateProblem(f"str.{name} is not available in templates; write {{{{ value }}}} instead")
    if name in _PADDING:
        width = (args or (kwargs.get("width", 0),))[0]
        if isinstance(width, int) and width > MAX_STRING:
            raise TemplateProblem(f"{name}({width}) is too wide")


def _replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    text = str(value)
    hits = text.count(str(old)) if old else len(text) + 1
    _too_big(len(text) + min(hits, count if count is not None and count >= 0 else hits) * len(str(new)))
    return text.replace(str(old), str(new), -1 if count is None else count)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox with bounds: see the module docstring."""

    intercepted_binops = frozenset(_BINOPS)

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        return _BINOPS[operator_](left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, str) and attribute in _UNSAFE_STR:
            _checked_call(attribute, (), {})
        return super().getattr(obj, attribute)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - jinja's signature
        _over_budget()
        if isinstance(getattr(__obj, "__self__", None), str):
            _checked_call(__obj.__name__, args, kwargs)
            if __obj.__name__ == "replace":
                return _replace(__obj.__self__, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def budget_iter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """What every ``{% for %}`` loops over: the items, spending the time budget."""
        for step, item in enumerate(iterable):
            if step % _CHECK_EVERY == 0:
                _over_budget()
            yield item

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):  # every loop draws from the time budget
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("budget_iter"), [loop.iter], [], None, None)
        return tree


def _bounded_filters(env: _Sandbox) -> None:
    filters = env.filters
    center, indent, wordwrap, batch = filters["center"], filters["indent"], filters["wordwrap"], filters["batch"]

    def safe_center(value: Any, width: int = 80) -> str:
        _too_big(width)
        return center(value, width)

    def safe_indent(value: Any, width: int | str = 4, *args: Any, **kwargs: Any) -> str:
        _too_big(len(str(value)) * ((width if isinstance(width, int) else len(width)) + 1))
        return indent(value, width, *args, **kwargs)

    def safe_wordwrap(environment: Any, value: Any, width: int = 79, *args: Any, **kwargs: Any) -> str:
        _too_big(len(str(value)) * 2 + width)
        return wordwrap(environment, value, width, *args, **kwargs)

    def safe_batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        _too_big(linecount)
        return batch(value, linecount, fill_with)

    safe_wordwrap.jinja_pass_arg = wordwrap.jinja_pass_arg  # type: ignore[attr-defined]
    filters.update(center=safe_center, indent=safe_indent, wordwrap=safe_wordwrap, batch=safe_batch, replace=_replace)
    filters.pop("format", None)  # printf widths; str.format is refused too


def _environment() -> _Sandbox:
    env = _Sandbox(autoescape=False, undefined=StrictUndefined, trim_blocks=True)
    env.globals["range"] = safe_range
    env.globals.pop("namespace", None)  # mutable across loop steps: strings could double each step
    _bounded_filters(env)
    return env


_ENV = _environment()
DIALECTS = {
    "strict": _ENV,
    "lenient": _ENV.overlay(undefined=Undefined, trim_blocks=False),
    "html": _ENV.overlay(autoescape=True),
}


@lru_cache(maxsize=1024)
def compile_template(source: str, dialect: str = "strict") -> Template:
    """The compiled template (cached); TemplateProblem when it does not parse."""
    try:
        return DIALECTS[dialect].from_string(source)
    except TemplateError as exc:
        line = f"line {exc.lineno}: " if getattr(exc, "lineno", None) else ""
        raise TemplateProblem(f"does not parse ({line}{exc.message or exc})") from None


@lru_cache(maxsize=1024)
def template_names(source: str) -> frozenset[str]:
    """The values a template uses (empty when it does not parse)."""
    try:
        return frozenset(meta.find_undeclared_variables(_ENV.parse(source)))
    except TemplateError:
        return frozenset()


def render(source: str, values: Mapping[str, Any], *, dialect: str = "strict", budget: float | None = None) -> str:
    """Render ``source`` with ``values``, stripped; TemplateProblem on any failure or bound."""
    template = compile_template(source, dialect)
    token = _DEADLINE.set(time.perf_counter() + (TIME_BUDGET if budget is None else budget))
    try:
        parts, size = [], 0
        for chunk in template.generate(**values):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateProblem(f"renders more than {MAX_OUTPUT:,} characters")
            parts.append(chunk)
        return "".join(parts).strip()
    except TemplateProblem:
        raise
    except TemplateError as exc:
        raise TemplateProblem(f"cannot be rendered: {exc}") from None
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError, RecursionError, MemoryError) as exc:
        raise TemplateProblem(f"cannot be rendered: {type(exc).__name__}: {exc}") from None
    finally:
        _DEADLINE.reset(token)


Report = Callable[[str], Any]


def render_safely(source: str, values: Mapping[str, Any], fallback: Callable[[], str] | str, *, what: str,
                  dialect: str = "strict", report: Report | None = None) -> str:
    """Render, or on any problem log it, tell ``report`` (the author's inbox) and return the
    fallback: the customer always gets a text."""
    try:
        return render(source, values, dialect=dialect)
    except TemplateProblem as exc:
        message = f"{what}: template {exc}"
        log.error("%s; sent the fallback text instead", message)
        if report is not None:
            try:
                report(message)
            except Exception:  # noqa: BLE001 - reporting must not cost the customer their reply
                log.exception("could not report the template problem of %s", what)
        return fallback() if callable(fallback) else fallback


def template_problem(source: str, sample: Mapping[str, Any], *, dialect: str = "strict") -> str | None:
    """Why ``source`` cannot be saved (it does not parse or fails on ``sample``), or None.
    Run when an author saves a template, so a broken one is refused with a clear message."""
    try:
        render(source, sample, dialect=dialect)
    except TemplateProblem as exc:
        return f"template {exc}"
    return None


def strip_syntax(source: str) -> str:
    """The template's literal text, its tags removed: a last-resort fallback."""
    return re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", source, flags=re.S).strip()
