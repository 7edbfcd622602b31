"""Shared test fixtures: paths to the seed article and hand-built documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotestance.eval.fixtures import GoldArticle, GoldQuote
from quotestance.model.document import Document, Quote

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO.parent / "shared" / "seed"
SEED = SEED_DIR / "abc-2024-10-29.json"
TEST_FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the seed article is not at {SEED} (CI has ../shared)")
    return SEED


_CASE_TEXT = '"One," Kim said. "Two," Lee said. "Three," Kim said. "Four," Lee said. "Five," Park said.'


def _case_gold(text: str, speaker: str, stance: str, **extra) -> GoldQuote:
    start = _CASE_TEXT.index(text)
    return GoldQuote(text, start, start + len(text), speaker, stance, **extra)


def _case_pred(text: str, speaker: str, stance: str) -> Quote:
    start = _CASE_TEXT.index(text)
    return Quote(text, start, start + len(text), speaker, stance=stance)


@pytest.fixture
def scored_case() -> tuple[GoldArticle, Document]:
    """One article scored by hand: four gold quotes (right, misattributed, missed, wrong stance), one optional."""
    gold = GoldArticle("a", _CASE_TEXT, [
        _case_gold("One,", "Kim", "oppose", note="partial quote; pronoun attribution"),
        _case_gold("Two,", "Lee", "support", note="partial quote"),
        _case_gold("Three,", "Kim", "neutral", phenomena=("split_quote",)),
        _case_gold("Four,", "Lee", "oppose", note="role noun 'the spokesman'; partial quote"),
        _case_gold("Five,", "Park", "oppose", optional=True, note="partial quote"),
    ])
    predicted = Document("a", _CASE_TEXT, [
        _case_pred("One,", "Kim", "oppose"),
        _case_pred("Two,", "Kim", "support"),
        _case_pred("Four,", "Lee", "neutral"),
        _case_pred("Five,", "Nobody", "neutral"),
    ])
    return gold, predicted


@pytest.fixture
def tiny_article() -> Path:
    return TEST_FIXTURES / "tiny.json"


def _tiny_vocab() -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    words = ("the a said he she they it we is was and of to in on korea north russia troops kim putin "
             "minister ministry spokesman ready very we are not".split())
    punct = list(".,;:!?'\"-()\u201c\u201d\u2018\u2019")
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words, *letters, *(f"##{c}" for c in letters), *punct]


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory) -> Path:
    """A tiny random BERT with a small fixture vocabulary, saved as a local encoder folder."""
    import torch
    from safetensors.torch import save_file
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-encoder")
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(_tiny_vocab()) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True).save_pretrained(str(folder))
    config = BertConfig(vocab_size=len(_tiny_vocab()), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=37, max_position_embeddings=512)
    torch.manual_seed(0)
    model = BertModel(config, add_pooling_layer=False)
    config.save_pretrained(str(folder))
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(folder / "model.safetensors"))
    return folder


@pytest.fixture(scope="session")
def tiny_model_settings(tiny_encoder) -> dict:
    """ModelConfig fields for a model on the tiny encoder."""
    return {"encoder": str(tiny_encoder), "hidden_size": 32, "num_layers": 2, "vocab_size": len(_tiny_vocab()),
            "first_trained_layer": 1, "window": 64, "stride": 16, "head_size": 16, "distance_dim": 8,
            "stance_context": 8}
