"""Import BibTeX files into the scholarly record.

`manage.py import_bibtex PATH...` turns each entry into a work with its byline;
a .gz file is read decompressed, and a directory stands for its .bib and .bib.gz
files, imported in name order. Works are matched on arXiv id, then DOI, then
(for entries with neither) on title, year and first author among works without
identifiers, or for an untitled entry on year, type and whole byline among
untitled ones; a match only has its gaps filled. Authors are matched by folded
name among those earlier BibTeX imports created, and created otherwise.

Entries that cannot be imported are printed with their file, line and key and
the reason; the rest go in. A second run over the same file writes nothing. The
summary's counts add up to the entries read.
"""

from pathlib import Path

from works.importers import bibtex
from works.importers.command import ImportCommand
from works.importers.common import ImportReport


class Command(ImportCommand):
    help = (
        "Import works and their authors from BibTeX (.bib or gzipped .bib.gz) "
        "files, or from every such file in a directory."
    )
    patterns = ("*.bib", "*.bib.gz")

    def import_paths(
        self, paths: list[Path], *, batch_size: int, progress: bool
    ) -> ImportReport:
        return bibtex.import_paths(paths, batch_size=batch_size, progress=progress)
