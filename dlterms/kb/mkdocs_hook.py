"""MkDocs hook, named in mkdocs.yml: the generated pages come from dlterms.kb.site."""

from dlterms.kb.site import on_files, on_page_content

__all__ = ["on_files", "on_page_content"]
