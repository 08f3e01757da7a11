"""The dependency rules of ARCHITECTURE.md, read from the source: `documents` renders plain
data and never imports a domain app or a model; `orders` never imports `checkin`, which
lives below it (check-in registers what QR codes hold in `orders.ticket_codes`)."""

import ast
from pathlib import Path

import billetterie

PACKAGE = Path(billetterie.__file__).resolve().parent
DOMAIN = ("catalog", "inventory", "orders", "payments", "vouchers", "banking", "passes")
DOMAIN += ("invitations", "checkin", "shop", "backoffice", "boxoffice", "scanner", "api")


def imported_modules(folder: Path) -> dict[str, set[str]]:
    found = {}
    for path in folder.rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
        found[str(path.relative_to(PACKAGE.parent))] = names
    return found


def test_documents_imports_no_domain_app_no_model_and_no_database():
    forbidden = tuple(f"billetterie.{app}" for app in DOMAIN)
    forbidden += ("billetterie.core.models", "django.db", "django.core.files")
    offending = {
        path: sorted(n for n in names if n.startswith(forbidden))
        for path, names in imported_modules(PACKAGE / "documents").items()
    }
    assert {path: names for path, names in offending.items() if names} == {}
    assert not (PACKAGE / "documents" / "models.py").exists()
    assert not (PACKAGE / "documents" / "migrations").exists()


def test_orders_never_imports_checkin():
    offending = {
        path: sorted(n for n in names if n.startswith("billetterie.checkin"))
        for path, names in imported_modules(PACKAGE / "orders").items()
    }
    assert {path: names for path, names in offending.items() if names} == {}
