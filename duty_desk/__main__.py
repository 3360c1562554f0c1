"""``python -m duty_desk`` is the same as the ``duty-desk`` command."""

from .cli import main

main()
