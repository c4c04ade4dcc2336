"""``judge calibrate``: how far the configured judge model agrees with labelled transcripts.

Run it before gating CI on ``retell_judge``: it judges the labelled set shipped with retell-dsl
(or ``--items FILE`` in the same format) with the judge model and prints accuracy, Cohen's
kappa, the confusion table and every item where the judge disagrees with the label. Plain text,
at most 80 columns, the same on a terminal and in a pipe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retell_dsl.cli.toolkit._common import abort

__all__ = ["calibrate", "register"]

_SETTING = "--model NAME"


def calibrate(
    model: Annotated[
        str | None,
        typer.Option(
            "--model", metavar="NAME", help="Judge model on OPENAI_BASE_URL (default: RETELL_DSL_JUDGE_MODEL)."
        ),
    ] = None,
    items: Annotated[
        Path | None, typer.Option("--items", metavar="FILE", help="A labelled set of your own (same JSON format).")
    ] = None,
    confirm: Annotated[
        int, typer.Option("--confirm", min=0, help="Re-ask a failing answer up to N times, as retell_judge does.")
    ] = 1,
    min_kappa: Annotated[
        float | None, typer.Option("--min-kappa", metavar="K", help="Exit with status 1 when kappa is below K.")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait for each answer.")] = 120.0,
) -> None:
    """Report the judge model's agreement with labelled transcripts (accuracy, Cohen's kappa, disagreements).

    The labelled set has 16 short agent conversations, each labelled pass or fail by the criterion it
    states. A kappa of 0.6 or more (substantial agreement) is a reasonable bar before a judge gates CI.

        OPENAI_BASE_URL=http://127.0.0.1:8080/v1 retell-dsl judge calibrate --model qwen2.5-7b-instruct
    """
    from retell_dsl.conversations import Judge, judge_model
    from retell_dsl.conversations.calibration import calibrate as run_calibration
    from retell_dsl.conversations.calibration import load_items
    from retell_dsl.errors import ConfigurationError
    from retell_dsl.sim.models import ModelError

    try:
        labelled = load_items(items)
        provider = judge_model(model, setting=_SETTING)
    except ConfigurationError as exc:
        abort(str(exc))
    judge = Judge(provider, confirm=confirm, timeout_s=timeout, owns_model=True)
    typer.echo(f"judging {len(labelled)} labelled transcripts with {judge.name} on {provider.base_url} ...", err=True)
    try:
        report = run_calibration(judge, labelled)
    except ModelError as exc:
        abort(f"the judge model {judge.name} failed: {exc}")
    typer.echo(report.render(80))
    kappa = report.agreement.kappa
    if min_kappa is not None and (kappa is None or kappa < min_kappa):
        shown = "undefined" if kappa is None else f"{kappa:.2f}"
        abort(f"Cohen's kappa {shown} is below --min-kappa {min_kappa:g}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        name="judge", help="LLM judges: check a judge model against labelled transcripts.", no_args_is_help=True
    )
    group.command("calibrate")(calibrate)
    app.add_typer(group)
