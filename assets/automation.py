"""Keeping what is built on the vendors' data in sync: the automation condition of every downstream asset.

A materialisation of an upstream asset from anywhere (a UI backfill of cafe24_messages, the Infobank sensor's
run, a launchpad run) makes the assets below it due: Dagster's default_automation_condition_sensor, once
turned on (docs/deployment.md), requests them in one run, the whole chain below the change at once.

`AutomationCondition.eager()` would also wait for every upstream partition to exist ("any deps missing"):
with daily Cafe24 partitions from CAFE24_FIRST_DAY on, or a vendor that is not configured, some always are
missing, and eager would never fire. Hence eager's other parts, without that one."""

import dagster as dg

IN_SYNC_WITH_UPSTREAM = (
    # An upstream asset was materialised by a run that did not also build this one (the morning schedule's
    # run and the CLI's outcomes job build both: those do not count), or is requested on the same tick.
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    # Not while an upstream run or a run of this asset is still going: the warehouse takes one writer.
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
    # Not on data a blocking check refused (the checks that guard the reports). Checks that never ran do not
    # hold it back, unlike all_deps_blocking_checks_passed(): a vendor that is not configured has none.
    & ~dg.AutomationCondition.any_deps_match(
        dg.AutomationCondition.any_checks_match(dg.AutomationCondition.check_failed(), blocking_only=True)
    )
).with_label("after any upstream materialisation")

# The checks of an asset kept in sync: run with it, in the same run, whenever the sensor requests it (a check
# the sensor does not request would not run at all, and a blocking one would not guard what follows).
WITH_ITS_ASSET = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("with its asset")
