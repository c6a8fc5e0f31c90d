"""Fill in the @NAME@ placeholders of a file in deploy/ and print the result.

    python3 deploy/render.py deploy/nginx/clusterspace.conf \\
        SERVER_NAME=archiv.example.org HTTPS_ORIGIN=https://archiv.example.org … \\
        > /etc/nginx/sites-available/clusterspace

Every placeholder of the file needs a value: a missing or misspelt name stops with a
message instead of installing a half-filled file. Values the file does not use are
ignored, so one set of values serves every file. deploy/README.md lists the placeholders
and typical values. `make deploy-check` renders the files with this module.
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


def main(argv):
    if len(argv) < 1 or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 2
    path, assignments = Path(argv[0]), argv[1:]
    values = {}
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
