"""Input loaders: find a month's landing files, stream them, and load them into `raw.*`.

`find_input_file` → `load_month_input` is the whole path of one input for one month;
`read_batches` / `open_input` stream a file in the contract's layout without loading anything.
"""

from pipelines.ingest.errors import InputFileError
from pipelines.ingest.load import LoadSummary, load_month_input
from pipelines.ingest.locate import find_input_file
from pipelines.ingest.readers import open_input, read_batches

__all__ = [
    "InputFileError",
    "LoadSummary",
    "find_input_file",
    "load_month_input",
    "open_input",
    "read_batches",
]
