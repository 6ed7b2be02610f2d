"""Property-based test of the served OpenAPI document: schemathesis generates requests for
every operation of the console and of every feature, one by one and as stateful sequences
that follow the document's links (create a channel, then read, change and archive it twice),
and checks the answers against the document (no server errors, documented statuses, content
types and response schemas, auth enforced).

SIYU_API_EXAMPLES sets the examples per operation (and the stateful steps); CI raises it."""
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
    server = LiveConsole(tmp_path_factory.mktemp("api-properties"), url, features=True).start()
    yield server
    server.stop()


def test_every_operation_keeps_the_promises_of_the_served_document(live):
    schema = schemathesis.openapi.from_url(f"{live.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35  # the console's and every feature's
    for operation in operations:
        check_operation(operation, live)


# Bodies whose rules go beyond what JSON Schema can say, so that a schema-valid body may rightly
# be refused with 400: passwords (nothing derived from the username, nothing guessable), channels
# (codes, receivers and dates checked together), FAQ entries and files (templates test-rendered,
# file contents parsed), CRM files, answering settings, report periods (from before to) and deals
# (their leads must exist: a reference no schema can check).
DOMAIN_CHECKED = ("/staff-users", "/channels", "/faq/", "/crm/", "/deals")


def excluded_checks(operation) -> list:
    if operation.path.startswith(DOMAIN_CHECKED):
        return [schemathesis.checks.positive_data_acceptance]
    return []


def check_operation(operation, live) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case) -> None:
        # A fresh admin token per case: the generated requests may revoke tokens.
        case.call_and_validate(base_url=f"{live.url}/api/v1", headers={"Authorization": f"Bearer {live.token()}"},
                               excluded_checks=excluded_checks(case.operation))

    run()


def test_sequences_that_follow_the_documents_links_keep_its_promises(live):
    schema = schemathesis.openapi.from_url(f"{live.url}/api/openapi.json")
    machine = schema.as_state_machine()
    admin = live.token()

    class Sequences(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):
            return {"base_url": f"{live.url}/api/v1", "headers": {"Authorization": f"Bearer {admin}"}}

        def validate_response(self, response, case, **kwargs):
            # The sequences are about following links; rejection of bad data is checked per operation above.
            case.validate_response(response, excluded_checks=[*excluded_checks(case.operation),
                                                              schemathesis.checks.negative_data_rejection])

    Sequences.run(settings=settings(max_examples=max(EXAMPLES_PER_OPERATION // 2, 10), stateful_step_count=6,
                                    deadline=None, suppress_health_check=list(HealthCheck), database=None))
