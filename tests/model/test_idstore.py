"""The on-disk id set that keeps batch jobs' memory flat."""

import tracemalloc
from pathlib import Path

from quotestance.model.idstore import IdStore


def test_idstore_behaves_like_a_set(tmp_path):
    ids = IdStore(tmp_path)
    ids.add("a")
    ids.add("a")
    ids.update(["b", "a", "ü\u0000x", ""])
    assert [k in ids for k in ("a", "b", "ü\u0000x", "", "c")] == [True, True, True, True, False]
    assert len(ids) == 4
    ids.close()
    assert list(Path(tmp_path).iterdir()) == []  # the scratch file is gone


def test_idstore_holds_no_python_memory_per_id(tmp_path):
    ids = IdStore(tmp_path)
    tracemalloc.start()
    ids.update(f"article-{i:08d}" for i in range(100_000))
    for i in range(0, 100_000, 7):
        ids.add(f"article-{i:08d}")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(ids) == 100_000 and "article-00099999" in ids and "article-00100000" not in ids
    assert peak < 1_000_000  # a set of these ids would take ~10 MB
    ids.close()
