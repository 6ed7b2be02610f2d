"""The sentence encoder a deployer plugs in (``SIYU_FAQ_ENCODER``: a folder with ``model.onnx``
and the Hugging Face ``tokenizer.json`` exported with it), run with onnxruntime on the CPU.

The model takes ``input_ids`` and ``attention_mask`` (and ``token_type_ids`` when it declares
them) and returns either ``sentence_embedding`` (batch × dim) or token states (batch × tokens ×
dim), pooled here by the mean over real tokens or by the first token (``pooling="cls"``, as
BGE models expect). A question is encoded within a time budget; past it, the FAQ answers from
the lexical score alone and the budget overrun is counted.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

import numpy as np

from faq.semantic import normalised

log = logging.getLogger(__name__)

MAX_TOKENS = 64  # customer questions are short; longer input is cut
QUERY_CACHE = 2048


class EncoderError(RuntimeError):
    """The encoder folder is missing a file or holds a model of another shape."""


class OnnxEncoder:
    """A SentenceEncoder over an ONNX model and its tokenizer; one intra-op thread, so a
    question costs one core at most."""

    def __init__(self, folder: str | Path, *, pooling: str = "mean", threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        folder = Path(folder)
        model, tokenizer = folder / "model.onnx", folder / "tokenizer.json"
        for path in (model, tokenizer):
            if not path.is_file():
                raise EncoderError(f"SIYU_FAQ_ENCODER: {path} is missing (the folder needs model.onnx and tokenizer.json)")
        if pooling not in ("mean", "cls"):
            raise EncoderError(f"pooling must be 'mean' or 'cls', got {pooling!r}")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self.session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types per failure
            raise EncoderError(f"SIYU_FAQ_ENCODER: cannot load {model}: {exc}") from exc
        self.inputs = {i.name for i in self.session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= self.inputs:
            raise EncoderError(f"the model's inputs are {sorted(self.inputs)}; it needs input_ids and attention_mask")
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.pooling = pooling
        digest = hashlib.sha256(model.read_bytes()).hexdigest()[:12]
        self.model_id = f"{folder.name}:{digest}:{pooling}"
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faq-encoder")
        self.over_budget = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised vectors of ``texts`` (blocking)."""
        batch = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        names = [o.name for o in self.session.get_outputs()]
        wanted = "sentence_embedding" if "sentence_embedding" in names else names[0]
        (output,) = self.session.run([wanted], feed)
        if output.ndim == 3:
            if self.pooling == "cls":
                output = output[:, 0, :]
            else:
                weights = mask[:, :, None].astype(output.dtype)
                output = (output * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1)
        return normalised(output.astype(np.float32))

    async def encode_question(self, text: str, budget: float) -> np.ndarray | None:
        """The question's vector, or None when it took longer than ``budget`` seconds."""
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        try:
            vector = await asyncio.wait_for(loop.run_in_executor(self._executor, self._one, text), budget)
        except asyncio.TimeoutError:
            self.over_budget += 1
            log.warning("FAQ encoder: %r took over %.0f ms; answering from the lexical score", text[:40], budget * 1000)
            return None
        log.debug("FAQ encoder: %.1f ms", (time.perf_counter() - started) * 1000)
        self._cache[text] = vector
        if len(self._cache) > QUERY_CACHE:
            self._cache.popitem(last=False)
        return vector

    def _one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
