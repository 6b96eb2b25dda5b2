"""The knowledge-base tooling: everything that reads the glossary's YAML and builds from it.

Data flows one way::

    glossary/*.yaml --> kb.glossary (loader and checker) --> kb.site    (MkDocs pages, via kb.mkdocs_hook)
                                                         --> kb.deck    (Anki notes and exports)
                                                         --> kb.figures (SVGs drawn by kb.gallery)
                                                         --> dlterms.lookup / search and the CLI

Only this subpackage may import yaml, jsonschema, mkdocs, genanki or matplotlib; the
reference layer (``dlterms/<topic>.py``) imports numpy and its siblings alone.
"""
