"""monitor: watch local news observatories and keep every post once."""

from pathlib import Path

__version__ = "0.1.0"
# Gazetteer, lexicon, marker list and demo captures: files shipped beside the code.
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
# 2: post records gain `thread_evidence` and `duplicate_evidence`; thread lines in the change
# log drop `post_ids` (snapshots keep them). See the README's "Schema versions".
SCHEMA_VERSION = 2
