from flopcast.cli import entry

entry()
