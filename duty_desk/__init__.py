"""duty-desk core: settings, data, rules and time handling. Never imports Textual."""

__version__ = "0.1.0"
