"""Every error code a refusal carries is declared, listed in the OpenAPI schema and in the README, and no other."""
import ast
import importlib
import json
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from totem.errors import declared_codes

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("totem", "spaces", "cohorts")
README_BLOCK = re.compile(r"<!-- error codes: start -->\n(.*?)<!-- error codes: end -->", re.S)


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _import_everything() -> None:
    """Every module of the packages, so that each `error_code(...)` has run, whichever modules the tests loaded."""
    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            importlib.import_module(info.name)


def _codes_used() -> dict[str, set[str]]:
    """Each `code=` given to a call and each `code = ...` of a class, resolved in its module: code -> where."""
    used: dict[str, set[str]] = {}
    for name, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = importlib.import_module(name)
        values = [keyword.value for node in ast.walk(tree) if isinstance(node, ast.Call)
                  for keyword in node.keywords if keyword.arg == "code"]
        values += [statement.value for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                   for statement in node.body if isinstance(statement, ast.Assign)
                   and [ast.unparse(target) for target in statement.targets] == ["code"]]
        for value in values:
            if not _is_constant(value):
                continue  # a refusal passed on (`code=error.code`): its code was checked where it was raised
            code = eval(compile(ast.Expression(value), str(path), "eval"), vars(module))  # noqa: S307 (our source)
            if isinstance(code, str):
                used.setdefault(code, set()).add(f"{path.relative_to(ROOT)}:{value.lineno}")
    return used


def _is_constant(node: ast.expr) -> bool:
    """A literal, or a module's upper-case name (`BOOKING_OVERLAP`, `credits.STARTUP_REQUIRED`)."""
    if isinstance(node, ast.Constant):
        return True
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name.isupper()


def _readme_table(codes: dict[str, str]) -> str:
    rows = "".join(f"| `{code}` | {meaning} |\n" for code, meaning in codes.items())
    return f"| code | meaning |\n|---|---|\n{rows}"


def test_every_code_a_refusal_names_is_declared():
    _import_everything()
    used = _codes_used()

    undeclared = {code: sorted(where) for code, where in used.items() if code not in declared_codes()}
    assert not undeclared, f"codes used but not declared with error_code(): {undeclared}"
    assert {"booking_overlap", "credits_exhausted", "invalid_credentials"} <= used.keys()  # the scan finds them


def test_the_readme_lists_every_declared_code_with_its_meaning():
    _import_everything()
    block = README_BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block, "README.md has no <!-- error codes: start --> ... <!-- error codes: end --> block"

    assert block.group(1) == _readme_table(declared_codes()), "README.md's error codes are stale: run make error-codes"


def test_the_app_alone_lists_every_code_in_its_openapi_schema():
    # In a fresh interpreter: what the app imports must declare every code, not what other tests happened to load.
    script = ("import json; from totem.app import create_api; schema = create_api().openapi(); "
              "print(json.dumps(schema['components']['schemas']['ErrorOut']['properties']['code']['enum']))")
    enum = json.loads(subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True,
                                     text=True, timeout=120).stdout)
    _import_everything()

    assert enum == list(declared_codes())


def write_readme_table() -> None:
    """`make error-codes`: the declared codes into README.md's block, the rest of the file as it was."""
    _import_everything()
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    table = _readme_table(declared_codes())
    readme.write_text(README_BLOCK.sub(lambda _match: f"<!-- error codes: start -->\n{table}<!-- error codes: end -->",
                                       text), encoding="utf-8")


if __name__ == "__main__":
    write_readme_table()
