"""The database tables (SQLModel), in groups a screen's first read can load alone.

Code names the tables through ``duty_desk.models``, which imports a group the first time
one of its tables is named: the queue's first read never builds the care-plan tables, for
instance (issue 15, start-up: each table class costs about 4 ms to make). ``base`` holds
what every group shares (the naming convention, the base class, version columns).
"""
