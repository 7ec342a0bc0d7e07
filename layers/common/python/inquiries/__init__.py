"""Partner inquiry routing: the shared package of the Lambda layer."""
