"""Doctest collection for the docs: pages whose `>>>` lines build on plain ```python blocks
are run by tests/test_tutorials.py, which executes the blocks in order first."""

collect_ignore = ["tutorials/tiny-transformer.md"]
