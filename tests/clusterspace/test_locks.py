"""The lock files (requirements/*.txt) agree with pyproject.toml and with what is installed.

`make lock` compiles them with pip-tools; nothing here reaches the network: the
requirements of pyproject.toml are checked against the pins with `packaging`, and the
pins' own dependencies against the installed packages' metadata.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

BASE_DIR = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
BASE_LOCK = BASE_DIR / "requirements" / "base.txt"
TEST_LOCK = BASE_DIR / "requirements" / "test.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def read_lock(path):
    """{canonical name: (version, number of hashes)} of a pip-compile output."""
    pins = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            assert current not in pins, f"{path.name}: {current} pinned twice"
            pins[current] = [Version(match[2]), 0]
        elif stripped.startswith("--hash=sha256:") and current:
            pins[current][1] += 1
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"{path.name}: not a pin with hashes: {line!r}")
    return {name: tuple(value) for name, value in pins.items()}


def deploy_extras():
    """The extras the production lock covers: DEPLOY_EXTRAS in the Makefile."""
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8")
    line = re.search(r"^DEPLOY_EXTRAS :=(.*)$", makefile, re.M)[1]
    return set(re.findall(r"--extra (\S+)", line))


def requirements(*extras):
    """pyproject's requirements (with the build backend's) that apply on this Python."""
    project = PYPROJECT["project"]
    found = [*project["dependencies"], *PYPROJECT["build-system"]["requires"]]
    for extra in extras:
        found += project["optional-dependencies"][extra]
    return [req for req in map(Requirement, found) if not req.marker or req.marker.evaluate()]


def unpinned(lock, reqs):
    problems = []
    for req in reqs:
        pin = lock.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req} is not in the lock")
        elif not req.specifier.contains(pin[0], prereleases=True):
            problems.append(f"{req} but the lock pins {pin[0]}")
    return problems


def test_every_extra_but_test_is_a_deployment_extra_in_the_production_lock():
    extras = set(PYPROJECT["project"]["optional-dependencies"]) - {"test"}
    assert deploy_extras() == extras, "add the new extra to DEPLOY_EXTRAS and run make lock"


def test_the_production_lock_pins_every_requirement_at_an_admitted_version():
    problems = unpinned(read_lock(BASE_LOCK), requirements(*sorted(deploy_extras())))
    assert problems == [], "run `make lock`: " + "; ".join(problems)


def test_the_test_lock_pins_every_requirement_of_every_extra():
    extras = sorted(PYPROJECT["project"]["optional-dependencies"])
    problems = unpinned(read_lock(TEST_LOCK), requirements(*extras))
    assert problems == [], "run `make lock`: " + "; ".join(problems)


def test_the_test_lock_holds_the_production_lock_at_the_same_versions():
    base, test = read_lock(BASE_LOCK), read_lock(TEST_LOCK)
    assert set(base) <= set(test)
    differing = {name: (pin[0], test[name][0]) for name, pin in base.items()}
    assert {name: pair for name, pair in differing.items() if pair[0] != pair[1]} == {}


@pytest.mark.parametrize("lock", [BASE_LOCK, TEST_LOCK], ids=lambda path: path.name)
def test_every_pin_has_hashes(lock):
    pins = read_lock(lock)
    assert len(pins) > 10
    assert [name for name, (_, hashes) in pins.items() if hashes == 0] == []


def test_the_installed_packages_are_the_test_lock():
    """`make setup` installed exactly the lock: the suite runs on the versions CI tests."""
    pins = read_lock(TEST_LOCK)
    differing = {}
    for name, (version, _) in pins.items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            differing[name] = (str(version), installed and str(installed))
    assert differing == {}, "run `make setup` (or `make lock` after editing pyproject.toml)"


def test_the_lock_holds_every_dependency_of_every_pin():
    """A pin's own requirements (read from the installed package) are pinned too, so an
    install with --no-deps from the lock is complete."""
    pins = read_lock(TEST_LOCK)
    environment = default_environment()
    wanted = [
        (req, frozenset(req.extras))
        for req in requirements(*PYPROJECT["project"]["optional-dependencies"])
    ]
    seen, missing = set(), []
    while wanted:
        req, extras = wanted.pop()
        name = canonicalize_name(req.name)
        if (name, extras) in seen or name == "clusterspace":
            continue
        seen.add((name, extras))
        if name not in pins:
            missing.append(str(req))
            continue
        for dependency in map(Requirement, metadata.requires(name) or []):
            marker = dependency.marker
            if marker is None or any(
                marker.evaluate({**environment, "extra": extra}) for extra in extras or {""}
            ):
                wanted.append((dependency, frozenset(dependency.extras)))
    assert missing == [], "run `make lock`: missing " + ", ".join(missing)
