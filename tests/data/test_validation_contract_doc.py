"""docs/data-contract.md must describe every rule and column the code enforces."""

from pathlib import Path

from tastemaker.validation.contract import TABLES
from tastemaker.validation.rules import RULES

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "data-contract.md"


def test_every_rule_is_documented_with_its_default_severity():
    text = CONTRACT.read_text()
    for rule, (severity, _) in RULES.items():
        assert f"| `{rule}` | {severity} |" in text, rule


def test_every_contract_column_is_documented():
    text = CONTRACT.read_text()
    for table, columns in TABLES.items():
        section = text.split(f"## {table}\n", 1)[1].split("\n## ", 1)[0]
        rows = {
            line.split("|")[1].strip(" `"): line.split("|")
            for line in section.splitlines()
            if line.startswith("| `")
        }
        for column in columns:
            assert column.name in rows, (table, column.name)
            assert rows[column.name][3].strip() == ("yes" if column.required else "no"), (table, column.name)
