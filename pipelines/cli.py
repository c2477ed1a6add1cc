"""`hotline`: generate demo months, run a month through Dagster, run the demo."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from pipelines.settings import Settings

DEMO_MONTHS = ("2021-01", "2021-02")


def _fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


def _settings(landing: Path | None, warehouse: Path | None, output: Path | None) -> Settings:
    settings = Settings.from_env()
    overrides = {
        "landing_dir": landing,
        "warehouse_path": warehouse,
        "output_dir": output,
    }
    return replace(settings, **{k: v.resolve() for k, v in overrides.items() if v is not None})


@click.group()
def main() -> None:
    """Monthly performance bulletin (绩效考评情况通报) of a 12345 hotline center."""


@main.command()
@click.option("--month", required=True, help="The month to generate, YYYY-MM.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Landing folder.")
@click.option("--scale", type=float, default=1.0, show_default=True, help="1 ≈ 71k orders; 140 ≈ 10M.")
@click.option("--seed", type=int, default=12345, show_default=True)
def generate(month: str, out_dir: Path, scale: float, seed: int) -> None:
    """Write a deterministic, realistic demo month in the contract's format."""
    from pipelines.demo.generator import generate_month
    from pipelines.partitions import validate_month

    try:
        validate_month(month)
    except ValueError as exc:
        _fail(str(exc))
    summary = generate_month(month, out_dir, scale=scale, seed=seed)
    click.echo(f"generated {month} into {out_dir / month}")
    for name, count in summary.row_counts.items():
        click.echo(f"  {name}: {count} rows")


def _send_alerts(settings: Settings, outcome) -> None:
    """The alerts of the run (docs/alerts.md): sent now, so that no daemon is needed."""
    from pipelines.alerts.after_run import alert_after_cli_run

    line = alert_after_cli_run(settings, outcome)
    click.secho(line, fg="yellow" if line.startswith("alerts failed") else None, err=True)


def _run_one(settings: Settings, month: str, verbose: bool = False) -> Path:
    from rich.console import Console

    from pipelines.partitions import validate_month
    from pipelines.run_console import captured_run, log_dir, new_log_path
    from pipelines.run_report import failure_lines

    try:
        validate_month(month)
    except ValueError as exc:
        _fail(str(exc))
    console = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    log_path = new_log_path(log_dir(settings.dagster_home), month)
    console.print(f"{month}: loading the pipeline (log: {log_path})")
    terminal = sys.stderr  # notes reach the person, not the log only

    def say(message: str) -> None:
        print(f"note: {message}", file=terminal, flush=True)

    try:
        with captured_run(log_path, console) as progress:
            from pipelines.runner import run_month

            outcome = run_month(settings, month, say=say, listener=progress.on_event)
    except ValueError as exc:  # a check before the run (output, disk, warehouse held…): nothing written
        _fail(str(exc))
    _send_alerts(settings, outcome)
    if not outcome.success:
        with open(log_path, "a", encoding="utf-8") as log:
            log.write("\n".join(outcome.tracebacks) + "\n")
        for line in failure_lines(outcome, log_path, verbose):
            click.secho(line, fg="red" if line.startswith("error:") else None, err=True)
        sys.exit(1)
    for check in outcome.failed_checks:
        click.secho(f"warning: check failed: {check}", fg="yellow", err=True)
    folder = settings.output_dir / month
    click.secho(f"{month}: done (run {outcome.run_id}); bulletin in {folder}", fg="green")
    return folder


@main.command()
@click.option("--month", help="The month (partition) to evaluate, YYYY-MM.")
@click.option("--from", "first", help="With --to: run every month of a range, one run a month.")
@click.option("--to", "last", help="The last month of the range (included), YYYY-MM.")
@click.option("--landing", type=click.Path(path_type=Path), help="Landing folder [HOTLINE_LANDING].")
@click.option("--warehouse", type=click.Path(path_type=Path), help="DuckDB file [HOTLINE_WAREHOUSE].")
@click.option("--output", type=click.Path(path_type=Path), help="Output folder [HOTLINE_OUTPUT].")
@click.option("--verbose", is_flag=True, help="Also print failed steps' tracebacks (always in the log).")
def run(
    month: str | None,
    first: str | None,
    last: str | None,
    landing: Path | None,
    warehouse: Path | None,
    output: Path | None,
    verbose: bool,
) -> None:
    """Materialize every asset of one month (--month) or of each month of a range (--from/--to)
    through Dagster, recorded in DAGSTER_HOME. A range is a backfill: the months run in order, one
    Dagster run each, in one process (the definitions are loaded once).

    The terminal shows one line per stage; Dagster's and dbt's output goes to the run's log file
    (HOTLINE_LOG_DIR, default data/logs)."""
    from pipelines.partitions import month_range

    if month and (first or last):
        _fail("give either --month or --from/--to, not both")
    if not month and not (first and last):
        _fail("give --month YYYY-MM, or --from YYYY-MM --to YYYY-MM")
    try:
        months = [month] if month else month_range(first, last)
    except ValueError as exc:
        _fail(str(exc))
    settings = _settings(landing, warehouse, output)
    for each in months:
        _run_one(settings, each, verbose)


@main.command()
@click.option("--month", required=True, help="The month to check, YYYY-MM.")
@click.option("--landing", type=click.Path(path_type=Path), help="Landing folder [HOTLINE_LANDING].")
def check(month: str, landing: Path | None) -> None:
    """Read every file of a month and report what the run would reject, without touching the warehouse.

    Exit 0 only when the month would publish.
    """
    from pipelines.month_check import check_month, report_lines
    from pipelines.partitions import validate_month

    settings = _settings(landing, None, None)
    try:
        validate_month(month)
    except ValueError as exc:
        _fail(str(exc))
    outcome = check_month(settings.landing_dir, month, settings.phone_salt)
    for line in report_lines(outcome):
        click.secho(line, fg="red" if line.startswith("error:") else None)
    sys.exit(0 if outcome.publishes else 1)


@main.command()
@click.option(
    "--rulebook", "draft", type=click.Path(path_type=Path), required=True, help="The draft rulebook YAML."
)
@click.option("--month", "months", multiple=True, required=True, help="A loaded month, YYYY-MM (repeatable).")
@click.option("--warehouse", type=click.Path(path_type=Path), help="DuckDB file [HOTLINE_WAREHOUSE].")
@click.option("--output", type=click.Path(path_type=Path), help="Output folder [HOTLINE_OUTPUT].")
def whatif(draft: Path, months: tuple[str, ...], warehouse: Path | None, output: Path | None) -> None:
    """Trial scoring (试算): score loaded months with a draft rulebook, never touching the bulletin."""
    from pipelines.whatif import WhatifError, run_whatif

    settings = _settings(None, warehouse, output)
    try:
        results = run_whatif(
            settings.warehouse_path, settings.output_dir, draft, list(months), log=click.echo
        )
    except (WhatifError, ValueError) as exc:
        _fail(str(exc))
    for result in results:
        click.secho(
            f"{result.month}: {len(result.moves)} of {len(result.units)} ranked units change rank "
            f"with {result.draft_name}",
            fg="green",
        )
        for path in result.files.values():
            click.echo(f"  {path}")


@main.command()
@click.option("--scale", type=float, default=1.0, show_default=True)
def demo(scale: float) -> None:
    """Generate 2021-01 and 2021-02 into the landing folder, run both, print where the bulletin is."""
    from pipelines.demo.generator import generate_month

    settings = Settings.from_env()
    os.environ.setdefault("HOTLINE_DEMO", "1")  # made-up phone numbers: the documented salt may be used
    for month in DEMO_MONTHS:
        click.echo(f"generating demo month {month} into {settings.landing_dir}")
        generate_month(month, settings.landing_dir, scale=scale)
    folder = None
    for month in DEMO_MONTHS:
        folder = _run_one(settings, month)
    click.secho(f"\nThe bulletin of {DEMO_MONTHS[-1]} is in {folder}", fg="green", bold=True)
    for path in sorted(folder.glob("bulletin.*")):
        click.echo(f"  {path}")
    click.echo(f"  {folder / 'charts'}/")
    click.echo("Open the Dagster UI with `make dev` to see the runs, the lineage and the checks.")


if __name__ == "__main__":
    main()
