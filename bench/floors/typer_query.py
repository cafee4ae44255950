"""Floor: a minimal Typer app whose one command runs one SQL query on an SQLite file with
Python's `sqlite3` and prints the rows: as JSON objects, or with `--csv` through Python's `csv`
module. What the same stack costs for a log command, before anything of ours."""

import typer

app = typer.Typer(add_completion=False)


@app.command()
def query(db: str, sql: str, csv_rows: bool = typer.Option(False, "--csv")) -> None:
    import csv
    import json
    import sqlite3
    import sys

    cursor = sqlite3.connect(db).execute(sql)
    names = [d[0] for d in cursor.description]
    if csv_rows:
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        while rows := cursor.fetchmany(500):
            writer.writerows(rows)
        return
    rows = [dict(zip(names, row, strict=True)) for row in cursor]
    json.dump(rows, sys.stdout, ensure_ascii=False)


@app.command()
def other() -> None:
    """A second command, so `query` is a subcommand as in the real CLI."""


if __name__ == "__main__":
    app()
