"""Floor for validate: parse a YAML file with PyYAML's C loader, in its own process."""

import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as file:
    yaml.load(file, Loader=yaml.CSafeLoader)
