"""The only layer that imports rich. The core hands it plain data; a console is passed in."""
