"""Dependency audit (`make audit`, part of `make test`): every locked Python package checked
against PyPI's advisories (the Python Packaging Advisory Database and OSV, as PyPI publishes them).

pip-audit does the work. It asks PyPI for each package at its locked version; where that answer
cannot be had (this CI machine reaches PyPI's project pages but not its per-release pages), the
package's project page is read instead: when the locked version is its newest release, the
advisories PyPI lists there are exactly those for the locked version. A package behind its newest
release cannot be audited that way; it is listed as not audited, which does not fail the run (a
new release elsewhere must not break the build) but is printed for a person to look at.

Exit status: 1 when any locked package has a known vulnerability, 0 otherwise."""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPI = "https://pypi.org/pypi/{name}/json"
UV = os.environ.get("UV", "uv")  # make passes the uv it found or installed


def locked_requirements() -> str:
    """Every locked package of every group, pinned with its hashes (what `uv sync` installs)."""
    return subprocess.run(
        [UV, "export", "--frozen", "--all-groups", "--no-emit-project", "--format", "requirements-txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pip_audit(requirements: str) -> list[dict]:
    """pip-audit's findings per package: name, version, vulns, and skip_reason where it could not look."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as handle:
        handle.write(requirements)
        handle.flush()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--disable-pip",
                "--requirement",
                handle.name,
                "--format",
                "json",
                "--progress-spinner",
                "off",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if not result.stdout.strip():
        raise SystemExit(f"pip-audit gave no report:\n{result.stderr}")
    return json.loads(result.stdout)["dependencies"]


def newest_release_advisories(name: str, version: str) -> tuple[list[str], str | None]:
    """(advisory ids, None) when `version` is the newest release; ([], why) when it cannot tell."""
    try:
        with urllib.request.urlopen(PYPI.format(name=name), timeout=30) as response:  # noqa: S310 (fixed https URL)
            project = json.load(response)
    except OSError as error:
        return [], f"PyPI unreachable ({error})"
    newest = project["info"]["version"]
    if newest != version:
        return [], f"locked {version}, newest release {newest}"
    return [item["id"] for item in project.get("vulnerabilities") or [] if not item.get("withdrawn")], None


def pinned(requirements: str) -> dict[str, str]:
    """Package name (normalised) → locked version, from the exported requirements."""
    versions = {}
    for line in requirements.splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, _, rest = line.partition("==")
            versions[normalised(name)] = rest.split()[0].rstrip("\\").split(";")[0].strip()
    return versions


def normalised(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def main() -> int:
    requirements = locked_requirements()
    versions = pinned(requirements)
    found = pip_audit(requirements)
    for package in found:
        package.setdefault("version", versions[normalised(package["name"])])
    vulnerable: dict[str, list[str]] = {}
    skipped = [package for package in found if "skip_reason" in package]
    for package in found:
        if package.get("vulns"):
            vulnerable[f"{package['name']} {package['version']}"] = [vuln["id"] for vuln in package["vulns"]]
    not_audited: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = pool.map(lambda package: newest_release_advisories(package["name"], package["version"]), skipped)
        for package, (advisories, why) in zip(skipped, answers, strict=True):
            label = f"{package['name']} {package['version']}"
            if why:
                not_audited[label] = why
            elif advisories:
                vulnerable[label] = advisories
    audited = len(found) - len(not_audited)
    print(f"Dependency audit: {audited} of {len(found)} locked packages audited, {len(vulnerable)} vulnerable.")
    for label, why in sorted(not_audited.items()):
        print(f"  not audited: {label} ({why})")
    for label, advisories in sorted(vulnerable.items()):
        print(f"  VULNERABLE: {label}: {', '.join(advisories)}")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
