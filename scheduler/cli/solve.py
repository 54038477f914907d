"""``secretary solve``: batch scheduling of a problem file (the JSON schedule problem format)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scheduler.cli.app import app, console, context, err_console, print_json
from scheduler.errors import InvalidInput

if TYPE_CHECKING:
    from scheduler.solver import Problem, SolveResult

#: Solves at least this long show a progress display (on a terminal).
PROGRESS_FROM_SECONDS = 2.0
PRIORITIES = ("5", "4", "3", "2", "1")


@app.command("solve")
def solve_command(
    ctx: typer.Context,
    problem_file: Annotated[
        Path,
        typer.Argument(
            metavar="PROBLEM.json", help="The problem, in the schedule problem format ('-': stdin)."
        ),
    ],
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Seconds to search (default: SECRETARY_SOLVER_TIME_LIMIT_SECONDS, 10).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="CP-SAT workers (default: SECRETARY_SOLVER_WORKERS, 2); 1 is "
            "deterministic for a seed.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the search.")] = 0,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the result (the JSON format) instead of a summary."),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the JSON result to this file.")
    ] = None,
) -> None:
    """Schedule the meetings of a problem file: most important first, every rule kept, explained.

    Without --json, prints a summary: meetings placed by priority (and what first-fit placed),
    changes to the current plan, the proven bound, and why each unscheduled meeting is not in
    the plan. Exit status 2 names the wrong field of a bad problem; 1 when the frozen meetings
    themselves break a rule (the result, status infeasible, is still written).

    Example: [bold]secretary solve problem.json --time-limit 30 -o plan.json[/]
    """
    from scheduler.solver import parse_problem, to_json

    cli = context(ctx)
    settings = cli.settings()
    limit = settings.solver_time_limit_seconds if time_limit is None else time_limit
    threads = settings.solver_workers if workers is None else workers
    if not 0 < limit <= 3600:
        raise InvalidInput(
            "give a number of seconds above 0 and at most 3600", field="--time-limit"
        )
    if not 1 <= threads <= 64:
        raise InvalidInput("give a number of workers from 1 to 64", field="--workers")
    problem = parse_problem(_read(problem_file))
    for warning in problem.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    result = _solve_with_progress(problem, limit, threads, seed)
    body = to_json(result)
    if output is not None:
        try:
            output.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", "utf-8")
        except OSError as error:
            raise InvalidInput(
                f"cannot write {output} ({error.strerror})", field="--output"
            ) from None
    if as_json:
        print_json(body)
    else:
        _summary(result, output)
    if result.status == "infeasible":
        if not as_json:
            err_console.print(f"[bold red]error:[/] {result.error}", highlight=False)
        raise typer.Exit(1)


def _read(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"no file {path}", field="PROBLEM.json") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path} ({error})", field="PROBLEM.json") from None


def _solve_with_progress(problem: Problem, limit: float, workers: int, seed: int) -> SolveResult:
    from scheduler.solver import Progress as SolveProgress
    from scheduler.solver import solve

    if limit < PROGRESS_FROM_SECONDS or not err_console.is_terminal:
        return solve(problem, time_limit_seconds=limit, workers=workers, seed=seed)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}"),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("solving", total=limit, status="")

        def show(p: SolveProgress) -> None:
            placed = "/".join(str(p.scheduled_by_priority.get(int(k), 0)) for k in PRIORITIES)
            bound = f", bound {p.score_bound}" if p.score_bound is not None else ""
            bar.update(
                task,
                completed=min(p.elapsed, limit),
                description=p.phase,
                status=f"placed by priority 5..1: {placed}; score {p.score}{bound}",
            )

        return solve(problem, time_limit_seconds=limit, workers=workers, seed=seed, progress=show)


def _summary(result: SolveResult, output: Path | None) -> None:
    stats = result.stats
    if result.status == "infeasible":
        console.print("[bold red]Infeasible:[/] nothing was scheduled.")
        return
    console.print(
        f"[bold]{result.status.capitalize()}[/] in {stats.wall_seconds:.1f} s "
        f"({stats.method}): {len(result.scheduled)} of "
        f"{len(result.scheduled) + len(result.unscheduled)} meetings scheduled."
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("priority")
    table.add_column("scheduled", justify="right")
    table.add_column("first-fit", justify="right")
    for p in (5, 4, 3, 2, 1):
        table.add_row(
            str(p),
            str(stats.scheduled_by_priority.get(p, 0)),
            str(stats.greedy.scheduled_by_priority.get(p, 0)),
        )
    console.print(table)
    console.print(
        f"Changes to the current plan: {stats.changed} (first-fit: {stats.greedy.changed}). "
        f"Score {stats.score} (first-fit {stats.greedy.score}); proven bound "
        f"{stats.score_bound}, gap {100 * stats.gap:.2f} %."
    )
    if result.unscheduled:
        reasons = Table(title="Not scheduled", show_header=True, header_style="bold")
        reasons.add_column("meeting")
        reasons.add_column("code")
        reasons.add_column("reason")
        for u in result.unscheduled:
            reasons.add_row(u.meeting, u.code, u.reason)
        console.print(reasons)
    if output is not None:
        console.print(f"The full result is in {output}.")
