"""Adapters at the edge: DynamoDB, EventBridge Scheduler, the clock."""
