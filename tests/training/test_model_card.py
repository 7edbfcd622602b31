"""The generated model card says what was measured, including which checkpoint was shipped."""

import json

from quotestance.eval.runner import COLUMNS
from quotestance.training.model_card import write_model_card


def test_card_names_the_selected_checkpoint_and_keeps_notes_out_of_hyperparameters(tmp_path):
    config = {"encoder": "enc", "num_layers": 6, "hidden_size": 384, "first_trained_layer": 0, "window": 384,
              "stride": 64, "max_candidates": 32, "stance_context": 48}
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    history = [{"step": 10, "weights": "live", "selection": 0.80},
               {"step": 10, "weights": "average", "selection": 0.82},
               {"step": 20, "weights": "live", "selection": 0.81}]
    training = {"config": {"synthetic_articles": 5, "fixtures": ["eval/fixtures/train"], "fixture_repeats": 2,
                           "synthetic_dev_articles": 3, "card_notes": ["a note"], "seed": 1},
                "seconds": 120, "steps": 20, "history": history}
    metrics = {key: 0.5 for _, key in COLUMNS}
    info = {"training": training, "calibration": {}, "machine": "cpu", "notes": ["a note"],
            "scores": {"dev": {"transformer": metrics, "rules": metrics}}}
    card = write_model_card(tmp_path, info).read_text(encoding="utf-8")
    assert "step 10 (the moving average of the weights), the best of 3 dev evaluations (selection score 0.8200)" in card
    hyperparameters = card.split("```json")[1].split("```")[0]
    assert '"seed": 1' in hyperparameters and "card_notes" not in hyperparameters
    assert card.rstrip().endswith("a note")
