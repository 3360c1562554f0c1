"""duty-desk's Textual UI: one screen per module, styles in ``.tcss`` files beside them.

The UI never writes SQL: every read and write goes through
``duty_desk.repository.Repository`` and comes back as plain objects from
``duty_desk.views``. Start with :func:`screens.app.create_app`.
"""
