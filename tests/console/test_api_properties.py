"""Property-based test of the served OpenAPI document: schemathesis generates requests for
every operation and checks the answers against the document (no server errors, documented
statuses, content types and response schemas, auth enforced)."""
from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.support.databases import fresh_postgres_url, postgres_configured  # noqa: E402
from tests.support.live_console import LiveConsole  # noqa: E402

pytestmark = [pytest.mark.property, pytest.mark.slow]
EXAMPLES_PER_OPERATION = int(os.environ.get("SIYU_API_EXAMPLES", "50"))  # raise for a deeper run


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request, tmp_path_factory):
    url = ""
    if request.param == "postgres":
        if not postgres_configured():
            pytest.skip("PostgreSQL tests need SIYU_TEST_DATABASE_URL")
        url = fresh_postgres_url("siyu_live")
    server = LiveConsole(tmp_path_factory.mktemp("api-properties"), url).start()
    yield server
    server.stop()


def test_every_operation_keeps_the_promises_of_the_served_document(live):
    schema = schemathesis.openapi.from_url(f"{live.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:
        check_operation(operation, live)


def check_operation(operation, live) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case) -> None:
        # A fresh admin token per case: the generated requests may revoke tokens.
        case.call_and_validate(base_url=f"{live.url}/api/v1", headers={"Authorization": f"Bearer {live.token()}"})

    run()
