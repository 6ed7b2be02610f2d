"""Staff-written templates cannot stall the server or break a reply: bounded CPU, memory and
output; any failure is a clear problem, a fallback text, and a report to the author."""
import time

import pytest

from content.rendering import TemplateProblem, render, render_safely, template_problem

RUNAWAY = "{% for a in range(15000) %}{% for b in range(15000) %}{% endfor %}{% endfor %}"
SLOW = "{% for a in range(9000) %}{% for b in range(9000) %}{% endfor %}{% endfor %}"
SLOW_RECURSION = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"


def timed(source, values=None):
    started = time.perf_counter()
    try:
        render(source, values or {})
    except TemplateProblem as exc:
        return time.perf_counter() - started, str(exc)
    raise AssertionError(f"{source!r} rendered")


@pytest.mark.parametrize("source", [RUNAWAY, SLOW, SLOW_RECURSION, "{% for c in 'x' * 90000 %}{% for d in 'y' * 90000 %}{% endfor %}{% endfor %}"])
def test_a_runaway_template_is_stopped_within_its_time_budget(source):
    took, problem = timed(source)

    assert took < 0.5, f"took {took:.2f} s"
    assert "range" in problem or "longer than" in problem


@pytest.mark.parametrize("source", [
    "{{ 'x' * 200000000 }}", "{{ ['x'] * 200000000 }}", "{{ 'x'.center(1000000000) }}", "{{ 'x' | center(1000000000) }}",
    "{{ '%0999999999d' % 1 }}", "{{ '{:>999999999}'.format(1) }}", "{{ ('x' * 1000).replace('x', 'y' * 1000) }}",
    "{{ range(10) | batch(1000000000, 'x') | list }}", "{{ 10 ** 10000000 }}", "{{ 'ab' | indent(100000000) }}",
])
def test_a_template_cannot_build_a_huge_value(source):
    took, problem = timed(source)

    assert took < 0.5 and problem


def test_output_is_capped():
    _, problem = timed("{% for i in range(10000) %}{{ 'x' * 1000 }}{% endfor %}")

    assert "more than" in problem


def test_an_exception_inside_a_template_is_a_template_problem():
    for source in ("{{ 1/0 }}", "{{ nope.attr }}", "{{ ''.__class__.__mro__ }}", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"):
        with pytest.raises(TemplateProblem):
            render(source, {})


def test_a_failure_falls_back_and_tells_the_author(caplog):
    told = []

    text = render_safely("您好{{ 1/0 }}", {}, "您好！", what="FAQ answer shipping", report=told.append)

    assert text == "您好！"
    assert told == ["FAQ answer shipping: template cannot be rendered: ZeroDivisionError: division by zero"]
    assert "FAQ answer shipping" in caplog.text


def test_ordinary_templates_render_as_before():
    assert render("{% for x in range(3) %}{{ x }}{% endfor %} {{ name.upper() }}{{ 'ab' * 2 }}", {"name": "li"}) == "012 LIabab"
    assert render("{{ missing }}好", {}, dialect="lenient") == "好"
    assert render("<{{ v }}>", {"v": "<b>"}, dialect="html") == "<&lt;b&gt;>"


def test_saving_test_renders_against_sample_data():
    assert template_problem("{{ name }}您好", {"name": "李工"}) is None
    assert "does not parse" in template_problem("{% if %}", {})
    assert "ZeroDivisionError" in template_problem("{{ 1/0 }}", {})
    assert "range" in template_problem(RUNAWAY, {})
