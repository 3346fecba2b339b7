"""Static files in production (cop.storage): WhiteNoise's hashed names, each URL worked out once."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from cop.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"version": "1.1", "hash": "0", "paths": {"css/gilde.css": "css/gilde.0a1b2c3d4e5f.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_url_is_the_hashed_one_and_worked_out_once(storage, monkeypatch):
    worked_out = []
    original = CompressedManifestStaticFilesStorage.url
    monkeypatch.setattr(
        CompressedManifestStaticFilesStorage,
        "url",
        lambda self, *a, **k: worked_out.append(a) or original(self, *a, **k),
    )
    assert [storage.url("css/gilde.css") for _ in range(3)] == ["/static/css/gilde.0a1b2c3d4e5f.css"] * 3
    assert worked_out == [("css/gilde.css",)]


def test_a_file_missing_from_the_manifest_is_an_error_each_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match=r"Missing staticfiles manifest entry for 'css/none\.css'"):
            storage.url("css/none.css")
