"""The lexicon builder writes a file that `GivenNames.load` reads back."""

import json

from quotestance.model.gender import GivenNames
from quotestance.training.given_names import main


def test_build_and_load_round_trip(tmp_path, capsys):
    source = tmp_path / "name_data.json"
    source.write_text(json.dumps({"olga": [9, 400, 0.99, 3], "ivan": [9, 400, 0.01, 3], "alex": [9, 900, 0.4, 3]}))
    output = tmp_path / "given_names.json"
    main(["--source", str(source), "--output", str(output)])
    names = GivenNames.load(output)
    assert (names.gender("Olga"), names.gender("IVAN"), names.gender("Alex")) == ("f", "m", None)
    assert "1 female, 1 male" in capsys.readouterr().out
