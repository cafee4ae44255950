"""Floor: a bare questionary select, no CLI framework."""

import questionary

questionary.select("Which problem is it?", choices=["One", "Two", "Three"]).unsafe_ask()
