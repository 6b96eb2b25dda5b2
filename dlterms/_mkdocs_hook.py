"""MkDocs hook, named in mkdocs.yml: the generated term pages come from dlterms.site."""

from dlterms.site import on_files

__all__ = ["on_files"]
