"""MkDocs hook, named in mkdocs.yml: the generated term pages come from dlterms.kb.site."""

from dlterms.kb.site import on_files

__all__ = ["on_files"]
