"""One-off operator commands (`python -m inquiries.tools.<name>`)."""
