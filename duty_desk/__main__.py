"""``python -m duty_desk`` is the same as the ``duty-desk`` command."""

from .entry import main

main()
