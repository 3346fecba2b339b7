"""The dependency audit's verdicts (tools/audit_dependencies.py). PyPI is the network edge and is
stood in for here; `make test` runs the real audit before the suite."""

import io
import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import audit_dependencies as audit

REQUIREMENTS = "django==6.1.3 \\\n    --hash=sha256:abc\nold-lib==1.0 ; python_version >= '3'\nshaky==2.0\n"


@pytest.fixture
def pypi(monkeypatch):
    """PyPI's project pages: newest release and the advisories it lists, per package."""
    pages = {}

    def urlopen(url, timeout):
        name = url.split("/pypi/")[1].split("/")[0]
        version, ids = pages[name]
        body = {"info": {"version": version}, "vulnerabilities": [{"id": i, "withdrawn": None} for i in ids]}
        return io.BytesIO(json.dumps(body).encode())

    monkeypatch.setattr(audit, "locked_requirements", lambda: REQUIREMENTS)
    monkeypatch.setattr(audit.urllib.request, "urlopen", urlopen)
    return pages


def skipped(*names):
    return [{"name": name, "skip_reason": "not found"} for name in names]


def test_the_locked_versions_are_read_from_the_export():
    assert audit.pinned(REQUIREMENTS) == {"django": "6.1.3", "old-lib": "1.0", "shaky": "2.0"}


def test_a_newest_release_with_an_advisory_fails_the_audit(pypi, monkeypatch, capsys):
    pypi |= {"django": ("6.1.3", []), "old-lib": ("1.0", []), "shaky": ("2.0", ["PYSEC-2026-1"])}
    monkeypatch.setattr(audit, "pip_audit", lambda requirements: skipped("django", "old-lib", "shaky"))
    assert audit.main() == 1
    assert "VULNERABLE: shaky 2.0: PYSEC-2026-1" in capsys.readouterr().out


def test_a_package_behind_its_newest_release_is_named_as_not_audited(pypi, monkeypatch, capsys):
    pypi |= {"django": ("6.1.3", []), "old-lib": ("1.1", ["PYSEC-2026-2"]), "shaky": ("2.0", [])}
    monkeypatch.setattr(audit, "pip_audit", lambda requirements: skipped("django", "old-lib", "shaky"))
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "2 of 3 locked packages audited, 0 vulnerable." in out
    assert "not audited: old-lib 1.0 (locked 1.0, newest release 1.1)" in out


def test_what_pip_audit_finds_itself_fails_the_audit(pypi, monkeypatch):
    found = [
        {"name": "django", "version": "6.1.3", "vulns": [{"id": "GHSA-x"}]},
        {"name": "old-lib", "version": "1.0", "vulns": []},
        {"name": "shaky", "version": "2.0", "vulns": []},
    ]
    monkeypatch.setattr(audit, "pip_audit", lambda requirements: found)
    assert audit.main() == 1
