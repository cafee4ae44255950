"""Floor for answer -> next question: bare questionary prompts in a row.

argv[1] is the kinds in order, e.g. ``t,t,c,s,t,s,s,t`` (text, confirm, select); each prompt
is numbered so the driver can wait for the next one.
"""

import sys

import questionary

for number, kind in enumerate(sys.argv[1].split(","), 1):
    question = f"Bench question {number:03d}"
    if kind == "t":
        questionary.text(question).unsafe_ask()
    elif kind == "c":
        questionary.confirm(question, default=True).unsafe_ask()
    else:
        choices = ["First", "Second", "Third", "Fourth"]
        questionary.select(question, choices=choices).unsafe_ask()
print("Bench done")
