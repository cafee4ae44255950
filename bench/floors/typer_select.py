"""Floor: a minimal Typer app whose one command shows one questionary select."""

import typer

app = typer.Typer(add_completion=False)


@app.command()
def run(tree: str) -> None:
    import questionary

    questionary.select(
        f"Which problem is it? ({tree})", choices=["One", "Two", "Three"]
    ).unsafe_ask()


@app.command()
def other() -> None:
    """A second command, so `run` is a subcommand as in the real CLI."""


if __name__ == "__main__":
    app()
