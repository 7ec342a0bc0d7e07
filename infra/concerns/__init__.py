"""The stack's parts, one construct per concern (named so as not to shadow `constructs`)."""
