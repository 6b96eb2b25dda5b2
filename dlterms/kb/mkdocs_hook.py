"""MkDocs hook, named in mkdocs.yml: the generated pages come from dlterms.kb.site."""

from dlterms.kb.site import on_config, on_files, on_page_content, on_post_build, on_post_page

__all__ = ["on_config", "on_files", "on_page_content", "on_post_build", "on_post_page"]
