"""Materialising the Cafe24 asset through Dagster, over a partition range, against the simulator."""

from datetime import timedelta

import dagster as dg

from assets.cafe24 import (
    cafe24_message_keys_unique,
    cafe24_messages,
    cafe24_no_final_status_went_back,
    cafe24_reads_balance,
)
from assets.partitions import range_tags
from assets.resources import Cafe24Resource, WarehouseResource
from tests.conftest import ACCOUNT, DAY, SECRET, rows_on, sms

CHECKS = [cafe24_message_keys_unique, cafe24_no_final_status_went_back, cafe24_reads_balance]


def materialize_range(simulator, warehouse_path, first, last):
    resources = {
        "cafe24": Cafe24Resource(sms_list_url=simulator.url, user_id=ACCOUNT, secure=SECRET, lookback_days=1),
        "warehouse": WarehouseResource(database=warehouse_path),
    }
    return dg.materialize([cafe24_messages, *CHECKS], resources=resources, tags=range_tags(first, last))


def test_a_partition_range_is_one_run_with_metadata_and_passing_checks(simulator, warehouse_path):
    last = DAY + timedelta(days=9)
    simulator.load(ACCOUNT, [*rows_on(DAY, 70), *rows_on(last, 3, sms_type="LMS"), sms(DAY), sms(DAY)])
    result = materialize_range(simulator, warehouse_path, DAY, last)
    assert result.success
    metadata = result.asset_materializations_for_node("cafe24_messages")[0].metadata
    assert metadata["rows_new"].value == 75
    assert metadata["window_reads"].value == 4  # two windows, SMS and LMS each
    assert metadata["first_day"].value == str(DAY - timedelta(days=1))
    assert metadata["requests"].value == simulator.requests
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 3 and all(e.passed for e in evaluations)


def test_materialising_again_adds_nothing(simulator, warehouse_path):
    simulator.load(ACCOUNT, rows_on(DAY, 10))
    materialize_range(simulator, warehouse_path, DAY, DAY)
    again = materialize_range(simulator, warehouse_path, DAY, DAY)
    metadata = again.asset_materializations_for_node("cafe24_messages")[0].metadata
    assert (metadata["rows_new"].value, metadata["rows_unchanged"].value) == (0, 10)
