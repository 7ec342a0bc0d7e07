"""The local runtime: the same handlers behind a local gateway, moto as AWS, a simulated clock."""
