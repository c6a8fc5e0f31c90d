"""Fill in the @NAME@ placeholders of a file in deploy/ and print the result.

    python3 deploy/render.py deploy/nginx/clusterspace.conf \\
        SERVER_NAME=archiv.example.org HTTPS_ORIGIN=https://archiv.example.org … \\
        > /etc/nginx/sites-available/clusterspace

    .venv/bin/python manage.py identity_values > identity.values
    python3 deploy/render.py deploy/errors/50x.html --values identity.values > …/50x.html

Every placeholder of the file needs a value: a missing or misspelt name stops with a
message instead of installing a half-filled file. Values the file does not use are
ignored, so one set of values serves every file. ``--values FILE`` reads NAME=value
lines from a file ("-": standard input), such as the site's identity that
``manage.py identity_values`` prints for nginx's error pages; NAME=value arguments after
it win. deploy/README.md lists the placeholders and typical values. `make deploy-check`
renders the files with this module.
"""

import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


class RenderError(ValueError):
    pass


def placeholders(text):
    return set(PLACEHOLDER.findall(text))


def render(text, values):
    """``text`` with each @NAME@ replaced by ``values[NAME]``; RenderError for a gap."""
    wanted = placeholders(text)
    missing = sorted(wanted - values.keys())
    if missing:
        raise RenderError(f"no value for: {', '.join(missing)}")
    for name in wanted:
        value = values[name]
        if "\n" in value or not value.strip():
            raise RenderError(f"{name}: expected one non-empty line")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def read_values(lines):
    """NAME=value lines (blank lines and "#" comments skipped) as a dict."""
    values = {}
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not PLACEHOLDER.fullmatch(f"@{name}@"):
            raise RenderError(f"expected NAME=value, got {line!r}")
        values[name] = value
    return values


def main(argv):
    if len(argv) < 1 or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 2
    path, assignments = Path(argv[0]), argv[1:]
    values = {}
    if assignments[:1] == ["--values"] and len(assignments) >= 2:
        source = assignments[1]
        try:
            if source == "-":
                values.update(read_values(sys.stdin))
            else:
                with open(source, encoding="utf-8") as handle:
                    values.update(read_values(handle))
        except (OSError, RenderError) as error:
            print(f"render: {source}: {error}", file=sys.stderr)
            return 1
        assignments = assignments[2:]
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep:
            print(f"render: expected NAME=value, got {assignment!r}", file=sys.stderr)
            return 2
        values[name] = value
    try:
        sys.stdout.write(render(path.read_text(encoding="utf-8"), values))
    except RenderError as error:
        print(f"render: {path}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
