"""``python -m scheduler.cli`` is the ``secretary`` command."""

from scheduler.cli import main

main()
