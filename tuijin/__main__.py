"""The `tuijin` command: Django's manage.py under one name, plus the project's own commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "tuijin"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
