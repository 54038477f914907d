"""``secretary keys``: API keys for the firm's staff, attorneys, clients and integrations."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from scheduler.cli.app import app, console, context, print_json
from scheduler.domain import Role
from scheduler.errors import InvalidInput
from scheduler.services.access import operator
from scheduler.services.keys import create_api_key, revoke_api_key
from scheduler.store import open_store

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help="admin, secretary, attorney or client.")],
    attorney: Annotated[
        str | None, typer.Option("--attorney", help="The attorney an attorney key belongs to.")
    ] = None,
    client: Annotated[
        str | None, typer.Option("--client", help="The client a client key belongs to.")
    ] = None,
    label: Annotated[str, typer.Option("--label", help="A note: who or what uses it.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print {id, key, role} as JSON.")] = False,
) -> None:
    """Create a key. It is printed once and cannot be shown again.

    Example: [bold]secretary keys create --role client --client cli-004 --json[/]
    """
    try:
        parsed_role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"'{role}' is not a role; use admin, secretary, attorney or client", field="--role"
        ) from None
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work() as uow:
            issued = create_api_key(
                uow,
                operator(),
                cli.clock.now(),
                role=parsed_role,
                attorney_id=attorney,
                client_id=client,
                label=label,
            )
    finally:
        store.dispose()
    if as_json:
        print_json({"id": issued.id, "key": issued.key, "role": issued.role.value})
        return
    console.print(f"Key {issued.id} ({issued.role.value}): [bold]{issued.key}[/]")
    console.print("Keep it safe: it is shown only this once.")


@keys_app.command("list")
def keys_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List keys (never the secrets themselves).

    Example: [bold]secretary keys list[/]
    """
    store = open_store(context(ctx).settings().database_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            keys = uow.api_keys.list()
    finally:
        store.dispose()
    rows = [
        {
            "id": k.id,
            "role": k.role.value,
            "attorney": k.attorney_id,
            "client": k.client_id,
            "label": k.label,
            "created": k.created_at.isoformat(),
            "revoked": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "role", "for", "label", "created", "revoked")
    for r in rows:
        table.add_row(
            r["id"],
            r["role"],
            r["attorney"] or r["client"] or "",
            r["label"],
            str(r["created"])[:16],
            str(r["revoked"] or "")[:16],
        )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key's id (key-...).")],
) -> None:
    """Revoke a key at once; requests with it are refused from now on.

    Example: [bold]secretary keys revoke key-1a2b3c4d[/]
    """
    cli = context(ctx)
    store = open_store(cli.settings().database_url)
    try:
        with store.unit_of_work() as uow:
            revoke_api_key(uow, operator(), cli.clock.now(), key_id)
    finally:
        store.dispose()
    console.print(f"Key {key_id} is revoked.")
