"""`flopcast report`: one self-contained HTML page of an analysis.

Modules: ``gather`` (the analyses a page needs, in one process), ``curves`` (FLOPs
against width and depth, and the largest value that fits), ``page`` (the page's data
model, built from those), ``source`` (highlighted source lines), ``charts`` (inline
SVG), ``render`` (the template), ``command`` (the CLI entry points). The template
engine, the highlighter and the plotting library are imported here only, so
``analyze`` and ``check`` never load them.
"""
