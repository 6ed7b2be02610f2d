"""The pluggable semantic scorer with a real (tiny) ONNX model and tokenizer that the test builds:
loading, tokenising, pooling, caching, the per-question budget, and blending with the lexical
score so that a paraphrase with no shared words finds its entry."""
import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors  # noqa: E402

from faq.semantic import EntryVectors, blend  # noqa: E402
from handlers.faq.encoder import EncoderError, OnnxEncoder  # noqa: E402

# Characters and the "meaning" each one carries in the toy embedding.
SHIPPING, PRICE, FILLER = 0, 1, 2
MEANINGS = {**{c: SHIPPING for c in "发货运寄送到"}, **{c: PRICE for c in "价钱报费贵"},
            **{c: FILLER for c in "什么时候几多少请问吗的"}}
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]


def build_encoder(folder, *, inputs=("input_ids", "attention_mask"), output="last_hidden_state"):
    vocab = {token: i for i, token in enumerate(SPECIAL + list(MEANINGS))}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(handle_chinese_chars=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tokenizer.decoder = decoders.WordPiece()
    tokenizer.save(str(folder / "tokenizer.json"))

    table = np.zeros((len(vocab), 3), dtype=np.float32)
    for char, meaning in MEANINGS.items():
        table[vocab[char], meaning] = 1.0 if meaning != FILLER else 0.3
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", inputs[0]], [output], axis=0)],
        "toy-encoder",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in inputs],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["batch", "tokens", 3])],
        [numpy_helper.from_array(table, "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(folder / "model.onnx"))
    return folder


@pytest.fixture
def encoder(tmp_path):
    encoder = OnnxEncoder(build_encoder(tmp_path))
    yield encoder
    encoder.close()


def test_a_paraphrase_without_shared_words_is_close_in_meaning(encoder):
    shipping, price, question = encoder.encode(["什么时候发货", "报价多少", "几时寄送"])
    assert float(question @ shipping) > 0.9 > float(question @ price)
    assert np.allclose(np.linalg.norm(encoder.encode(["运费贵吗"]), axis=1), 1.0)


def test_semantic_scores_blend_with_lexical_ones_and_change_the_answer(encoder):
    entries = EntryVectors.build({
        "shipping": list(encoder.encode(["什么时候发货", "几天到货"])),
        "price": list(encoder.encode(["报价多少"])),
    })
    semantic = entries.similarities(encoder.encode(["几时寄送"])[0])
    lexical = {"shipping": 20.0, "price": 35.0}  # "几时寄送" shares no word with either
    blended = blend(lexical, semantic, weight=0.5)
    assert max(blended, key=blended.get) == "shipping"
    assert blend(lexical, None) == lexical  # no encoder answer: lexical alone


async def test_a_question_is_encoded_within_its_budget_or_answered_lexically(encoder):
    first = await encoder.encode_question("什么时候发货", budget=5.0)
    assert first is not None
    assert await encoder.encode_question("什么时候发货", budget=0) is first  # cached
    assert await encoder.encode_question("报价多少", budget=0) is None
    assert encoder.over_budget == 1


def test_pooling_by_the_first_token_and_a_model_with_token_type_ids(tmp_path):
    folder = build_encoder(tmp_path, inputs=("input_ids", "attention_mask", "token_type_ids"))
    encoder = OnnxEncoder(folder, pooling="cls")
    assert encoder.encode(["发货"]).shape == (1, 3)
    encoder.close()


def test_a_broken_encoder_folder_is_refused_clearly(tmp_path):
    with pytest.raises(EncoderError, match="model.onnx is missing"):
        OnnxEncoder(tmp_path)
    build_encoder(tmp_path, inputs=("ids",))
    with pytest.raises(EncoderError, match="needs input_ids and attention_mask"):
        OnnxEncoder(tmp_path)
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(EncoderError, match="cannot load"):
        OnnxEncoder(tmp_path)
