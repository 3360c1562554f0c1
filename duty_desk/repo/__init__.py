"""The repository per aggregate, behind the one facade ``duty_desk.repository.Repository``.

- ``base``: the shared Context (transactions, audit, the acting login, local time)
- ``sql``: portable helpers for reading many rows fast
- ``staff``, ``referrals``, ``intake``, ``audit``: the queue side
- ``episode_rows``, ``board``, ``breaks``, ``loads``, ``episodes``: the continuity board
- ``absences``: staff absences and their impact
- ``meetings``, ``booking``, ``rules``, ``attendance``: network meetings
- ``continuity``: the precomputed continuity figures per episode
- ``network``: the person's network after acceptance: consent, taking part, removal (issue 12)

Each is imported by name (``duty_desk.repo.continuity``); this package imports none of
them, so a read loads only the parts (and the tables) it uses (issue 15).
"""
