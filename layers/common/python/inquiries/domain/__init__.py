"""Pure domain code: no boto3, no HTTP, no clock."""
