"""Generate the Python code for protos/ into the socialerasmus package.

Run `python scripts/gen_protos.py` after editing a .proto file; `--check` exits non-zero
when the committed code differs from what the protos produce (CI uses it).
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
PACKAGE = "socialerasmus"


def generate(out: Path) -> None:
    bin_dir = Path(sys.executable).parent
    sources = sorted(str(p.relative_to(PROTOS)) for p in (PROTOS / PACKAGE).rglob("*.proto"))
    command = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{PROTOS}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--plugin=protoc-gen-mypy={bin_dir / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={bin_dir / 'protoc-gen-mypy_grpc'}",
        f"--mypy_out={out}",
        f"--mypy_grpc_out={out}",
        *sources,
    ]
    subprocess.run(command, check=True)
    package = out / PACKAGE
    for directory in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (directory / "__init__.py").write_text('"""Generated from protos/; do not edit."""\n')
    (package / "py.typed").write_text("")


def differences(left: Path, right: Path) -> list[str]:
    found: list[str] = []
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found += [f"only in generated: {n}" for n in comparison.left_only]
    found += [f"only in checkout: {n}" for n in comparison.right_only]
    found += [f"differs: {n}" for n in comparison.diff_files]
    for name in comparison.common_dirs:
        found += differences(left / name, right / name)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if generated code is stale")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate(out)
        target = ROOT / PACKAGE
        if args.check:
            stale = differences(out / PACKAGE, target) if target.exists() else ["missing"]
            for line in stale:
                print(f"stale generated code: {line}", file=sys.stderr)
            if stale:
                print("run `make protos` and commit the result", file=sys.stderr)
            return 1 if stale else 0
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(out / PACKAGE, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
