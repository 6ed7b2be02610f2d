"""The feature harness with the tiny test encoder plugged in (SIYU_FAQ_ENCODER)."""
import pytest

from simulator.app import create_simulator_app
from simulator.simulator import CallbackUrls, Simulator
from tests.support.harness import start_feature_harness


@pytest.fixture
def encoder_folder(tmp_path):
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from tests.support.encoder import build_encoder

    folder = tmp_path / "encoder"
    folder.mkdir()
    return build_encoder(folder)


@pytest.fixture
async def semantic_harness(db, clock, aiohttp_server, encoder_folder):
    sim = Simulator(clock, CallbackUrls.under("http://127.0.0.1:1"))
    server = await aiohttp_server(create_simulator_app(sim))
    harness, runner = await start_feature_harness(clock, str(server.make_url("")).rstrip("/"), sim,
                                                  faq_encoder=str(encoder_folder), faq_encoder_budget_ms=5000)
    yield harness
    await runner.cleanup()
