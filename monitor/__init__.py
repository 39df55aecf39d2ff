"""monitor: watch local news observatories and keep every post once."""

__version__ = "0.1.0"
SCHEMA_VERSION = 1
