"""Derive the compact given-name lexicon that gender-aware pronoun resolution reads.

nomquamgender (MIT) ships p(female) for 720,000 names in a 30 MB JSON that takes seconds and
hundreds of MB to load; the rules need only the names that are nearly always one gender, as
two word lists (about half a megabyte). Run `python -m quotestance.training.given_names`
after `pip install -e ".[names]"` to regenerate `model/data/given_names.json`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from quotestance.model.defaults import GIVEN_NAMES_FILE

#: A name is kept when at least this many people carried it in nomquamgender's sources ...
MIN_COUNT = 50
#: ... and p(female) is at most this, or at least one minus it.
MAX_AMBIGUITY = 0.1
_WORD = re.compile(r"[^\W\d_][\w'\-]*")


def compact(name_data: Mapping[str, Sequence], min_count: int = MIN_COUNT,
            max_ambiguity: float = MAX_AMBIGUITY) -> dict[str, list[str]]:
    """Names by gender, from nomquamgender's `name -> [sources, count, p(female), ...]` table."""
    kept: dict[str, list[str]] = {"f": [], "m": []}
    for name, (_, count, p_female, *_) in name_data.items():
        if count < min_count or not _WORD.fullmatch(name) or max_ambiguity < p_female < 1 - max_ambiguity:
            continue
        kept["f" if p_female >= 0.5 else "m"].append(name)
    return {gender: sorted(names) for gender, names in kept.items()}


def _source() -> Path:
    """Where nomquamgender keeps its name data, found without importing the package (it loads pandas)."""
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit('nomquamgender is not installed: pip install -e ".[names]"')
    return Path(next(iter(spec.submodule_search_locations))) / "name_data.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="nomquamgender's name_data.json (default: the installed one)")
    parser.add_argument("--output", type=Path, default=GIVEN_NAMES_FILE)
    args = parser.parse_args(argv)
    names = compact(json.loads((args.source or _source()).read_text(encoding="utf-8")))
    payload = {"source": "nomquamgender 0.1.4 (MIT, (c) 2022 Ian Van Buskirk): names with count >= "
                         f"{MIN_COUNT} and p(female) <= {MAX_AMBIGUITY} or >= {1 - MAX_AMBIGUITY}",
               "f": " ".join(names["f"]), "m": " ".join(names["m"])}
    args.output.write_text(json.dumps(payload, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(names['f'])} female, {len(names['m'])} male given names")


if __name__ == "__main__":
    main()
