"""Generate the edge's OpenAPI document from protos/ into services/edge/openapi.json.

Compiles the contracts (with their comments) to a descriptor set with protoc and turns it
into OpenAPI 3.1 (services.edge.openapi). Run `python scripts/gen_openapi.py` after editing a
.proto file; `--check` exits non-zero when the committed document differs (CI uses it), and
also when the google.rpc protos shipped in protos/google/rpc differ from the ones the
googleapis-common-protos package decodes errors with.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import google.rpc
from google.protobuf import descriptor_pb2

from services.edge.openapi import OPENAPI_PATH, document

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
SHIPPED_RPC = ("status.proto", "error_details.proto")


def compiled() -> descriptor_pb2.FileDescriptorSet:
    sources = sorted(
        str(p.relative_to(PROTOS)) for p in (PROTOS / "socialerasmus").rglob("*.proto")
    )
    sources += [f"google/rpc/{name}" for name in SHIPPED_RPC]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "contracts.binpb"
        command = [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTOS}",
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={out}",
            *sources,
        ]
        subprocess.run(command, check=True)
        return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


def rendered() -> str:
    return json.dumps(document(compiled()), indent=2, ensure_ascii=False) + "\n"


def stale_rpc_protos() -> list[str]:
    installed = Path(google.rpc.__path__[0])
    return [
        f"protos/google/rpc/{name} differs from googleapis-common-protos"
        for name in SHIPPED_RPC
        if (PROTOS / "google" / "rpc" / name).read_bytes() != (installed / name).read_bytes()
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the document is stale")
    args = parser.parse_args()
    text = rendered()
    if not args.check:
        OPENAPI_PATH.write_text(text)
        return 0
    problems = stale_rpc_protos()
    if not OPENAPI_PATH.exists() or OPENAPI_PATH.read_text() != text:
        problems.append(f"stale OpenAPI document: {OPENAPI_PATH.relative_to(ROOT)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run `make protos` and commit the result", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
