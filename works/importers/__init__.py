"""Importers that fill the scholarly record from OpenAlex and BibTeX files."""
