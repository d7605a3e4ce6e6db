#!/usr/bin/env python3
"""Reads a TensorBoard event file with tensorboard's own loader (which checks the TFRecord CRCs)
and prints one line per scalar: `tag step value`. Used by tests/src/metrics/tensorboard_test.cpp."""
import sys

from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

for event in EventFileLoader(sys.argv[1]).Load():
    if event.HasField("file_version"):
        print("version", event.file_version)
    for value in event.summary.value:
        print(value.tag, event.step, repr(value.simple_value if value.HasField("simple_value")
                                         else value.tensor.float_val[0]))
