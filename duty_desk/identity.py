"""Who is acting: the operating-system login of this process.

The login comes from the real user id via the password database, never from
``$USER`` or ``$LOGNAME``, which anyone can set.
"""

from __future__ import annotations

import os
import pwd


def os_login() -> str:
    return pwd.getpwuid(os.getuid()).pw_name
