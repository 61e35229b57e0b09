"""mask_phone: the SQL macro that hides phone numbers in everything that leaves the warehouse."""

import duckdb
import pytest

from pipelines.warehouse import Warehouse


@pytest.fixture(scope="module")
def warehouse() -> Warehouse:
    warehouse = Warehouse(duckdb.connect())
    warehouse.run("schema/060_masking")
    return warehouse


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+821012345678", "010-****-5678"),
        ("01012345678", "010-****-5678"),
        ("0111234567", "011-****-4567"),
        ("021234567", "021-****-4567"),
        ("+12025550123", "+12-****-0123"),
        ("15881234", "****1234"),
        (None, None),
    ],
)
def test_phone_numbers_keep_only_their_prefix_and_last_four_digits(warehouse, number, masked):
    assert warehouse.connection.execute("SELECT mask_phone($1)", [number]).fetchone()[0] == masked
