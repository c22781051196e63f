#!/usr/bin/env python3
"""Writes create-only-properties.json: for each resource type the gateway makes, the properties
CloudFormation cannot change without replacing the resource (`createOnlyProperties` of AWS's
resource provider schemas, as cfn-lint bundles them), so the jest tests need no Python.

    python3 -m venv .venv/lint && .venv/lint/bin/pip install cfn-lint==1.58.0
    .venv/lint/bin/python test/deploy-rules/extract-create-only.py [AWS::Type::Name ...]

Types given are added to those already in the file; prop-changes.test.ts names any type the
gateway makes that the file lacks.
"""
import json
import os
import sys
from importlib.metadata import version

import cfnlint.data.schemas

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'create-only-properties.json')
REGION = 'us-east-1'


def main() -> None:
    schemas = os.path.dirname(cfnlint.data.schemas.__file__)
    with open(os.path.join(schemas, 'providers', f'{REGION}.json')) as f:
        provider = json.load(f)
    known = {}
    if os.path.exists(OUT):
        with open(OUT) as f:
            known = json.load(f)['types']
    types = sorted(set(known) | set(sys.argv[1:]))
    out = {}
    for t in types:
        if t not in provider:
            sys.exit(f'{t}: no schema in cfn-lint {version("cfn-lint")} ({REGION})')
        with open(os.path.join(schemas, 'resources', f'{provider[t]}.json')) as f:
            schema = json.load(f)
        # JSON pointers such as /properties/Name become property paths such as Name.
        out[t] = sorted(p.removeprefix('/properties/').replace('/', '.') for p in schema.get('createOnlyProperties', []))
    with open(os.path.join(schemas, 'version.json')) as f:
        schema_date = json.load(f).get('schema_date')
    doc = {
        'source': 'createOnlyProperties of the AWS CloudFormation resource provider schemas bundled with cfn-lint '
                  f'({REGION}); written by test/deploy-rules/extract-create-only.py',
        'cfnLint': version('cfn-lint'),
        'schemaDate': schema_date,
        'types': out,
    }
    with open(OUT, 'w') as f:
        json.dump(doc, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
