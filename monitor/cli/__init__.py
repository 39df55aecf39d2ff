"""The command line: commands, what they print, replay and the demo."""
