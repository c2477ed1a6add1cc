"""Trial scoring of a draft rulebook (试算, bulletin.md): score loaded months with a draft, compare."""

from pipelines.whatif.scoring import WhatifError, WhatifMonth, run_whatif

__all__ = ["WhatifError", "WhatifMonth", "run_whatif"]
