"""Import OpenAlex works and entities into the scholarly record.

`manage.py import_openalex PATH...` reads API list pages (`{"meta": …, "results":
[…]}`), single objects and JSON Lines snapshot files, gzipped or not; JSONL is
read a line at a time, so a snapshot part of any size fits in memory. A
directory stands for its .json, .jsonl, .json.gz, .jsonl.gz and snapshot
`part_*.gz` files, imported in name order. Works, authors, institutions, topics
and sources are imported, keyed by OpenAlex id; publishers, funders, concepts
and keywords are reported as skipped.

Each record that cannot be imported is printed with its file, line (or record
number) and the reason, and the rest go in. Each batch commits on its own, and a
second run over the same input writes nothing, unless it holds two different
copies of one record, which are written in turn on every run. The summary's
counts add up to the records read.
"""

from pathlib import Path

from works.importers import openalex
from works.importers.command import ImportCommand
from works.importers.common import ImportReport


class Command(ImportCommand):
    help = (
        "Import OpenAlex works and author, institution, topic and source entities "
        "from .json list pages or objects and .jsonl / .jsonl.gz snapshot files, "
        "or from every such file in a directory."
    )
    patterns = ("*.json", "*.jsonl", "*.json.gz", "*.jsonl.gz", "part_*.gz")

    def import_paths(
        self, paths: list[Path], *, batch_size: int, progress: bool
    ) -> ImportReport:
        return openalex.import_paths(paths, batch_size=batch_size, progress=progress)
