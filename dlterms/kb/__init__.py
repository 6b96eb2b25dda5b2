"""The knowledge-base tooling: everything that reads the glossary's YAML and builds from it.

Data flows one way::

    glossary/*.yaml --> kb.glossary (checker) --> kb.site    (pages, via kb.mkdocs_hook)
                                              --> kb.deck    (Anki notes and exports)
                                              --> kb.figures (SVGs drawn by kb.gallery)
                                              --> kb.readcopy (_glossary.json, written after
                                                  a clean check) --> dlterms.lookup / search, CLI

Only this subpackage may import yaml, jsonschema, mkdocs, genanki or matplotlib; the
reference layer (``dlterms/<topic>.py``) imports numpy and its siblings alone.
"""
