"""Per-topic rows for tests/test_reference_common.py: VALID, EXTREME and BAD dicts."""
