"""A tiny but real sentence encoder for tests: an ONNX graph (one Gather over a 3-dimensional
"meaning" table: shipping, price, filler) and a WordPiece tokenizer.json, built with the
``onnx`` helper API and ``tokenizers`` into a folder laid out like a real export."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

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
