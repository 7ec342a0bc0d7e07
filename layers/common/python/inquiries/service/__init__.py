"""Use cases. Each takes its repository, scheduler and clock as arguments."""
