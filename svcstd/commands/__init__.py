"""The CLI commands, one module each: options in, core calls, output out."""
