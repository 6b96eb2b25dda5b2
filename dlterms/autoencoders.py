"""Reference functions: autoencoders (placeholder, filled in by the topic's author)."""

from __future__ import annotations

__all__: list[str] = []
