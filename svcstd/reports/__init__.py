"""Writers that turn findings and scores into text, JSON, SARIF, GitHub annotations, CSV, HTML."""
