"""The trial-scoring job (试算): score loaded months with a draft rulebook (pipelines/whatif).

Launch `whatif` from the UI's Launchpad with the draft's path and the months as config:

    ops:
      trial_scoring:
        config: {draft: /path/to/draft.yaml, months: ["2021-02"]}

It writes `<output>/whatif/<draft name>/<YYYY-MM>.json|.md|.xlsx`, never the published marts or files.
"""

import dagster as dg
from pydantic import Field

from pipelines.resources import HotlineFiles, WarehouseResource

WHATIF_JOB_NAME = "whatif"


class TrialScoringConfig(dg.Config):
    draft: str = Field(description="Path of the draft rulebook YAML (validated like config/rulebook.yaml).")
    months: list[str] = Field(description="Months already loaded to score with the draft, YYYY-MM.")


@dg.op(description="Score the months with the draft rulebook in a scratch copy; write the comparison files.")
def trial_scoring(
    context: dg.OpExecutionContext,
    config: TrialScoringConfig,
    files: HotlineFiles,
    warehouse: WarehouseResource,
) -> None:
    from pathlib import Path

    from pipelines.whatif import run_whatif

    results = run_whatif(
        warehouse.path, files.output, Path(config.draft), config.months, log=context.log.info
    )
    for result in results:
        context.log.info(
            f"{result.month}: {len(result.moves)} of {len(result.units)} ranked units move; "
            f"{result.files['md']}"
        )


@dg.job(name=WHATIF_JOB_NAME, description="Trial scoring (试算) of a draft rulebook on loaded months.")
def whatif_job() -> None:
    trial_scoring()
