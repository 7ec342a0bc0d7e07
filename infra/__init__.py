"""The CDK app that deploys the product to AWS (`cdk deploy`); see docs/deploy.md."""
