"""No text from a delivery starts a formula in a CSV export."""

import csv

import pandas as pd
import pytest

from tastemaker.exports import write_spreadsheet_csv

PAYLOADS = ['=HYPERLINK("http://x.test","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_start_is_neutralised_and_numbers_are_not(payload, tmp_path):
    frame = pd.DataFrame({"artist_id": [payload, "ar-1"], "ndcg": [-0.5, 0.25], payload: ["x", "y"]})
    write_spreadsheet_csv(frame, tmp_path / "export.csv")
    with (tmp_path / "export.csv").open(newline="") as stream:
        rows = list(csv.reader(stream))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]
    assert rows[1][0] == "'" + payload and rows[2][0] == "ar-1"
    assert rows[1][1] == "-0.5"  # a number stays a number
    assert rows[0][2] == "'" + payload
