"""A serving process tunes the cyclic garbage collector once start-up is done."""

import gc

from hub.app import COLLECTOR_THRESHOLDS, settle_collector


def test_a_serving_process_freezes_start_up_and_collects_young_objects_less_often() -> None:
    before = gc.get_threshold()
    try:
        settle_collector()
        assert gc.get_threshold() == (*COLLECTOR_THRESHOLDS, before[2])
        assert gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
