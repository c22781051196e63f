#!/usr/bin/env bash
# Python consumer tests: install the built wheel into a fresh virtual environment, as a PyPI user
# would, and run pytest against it. Run from the repository root after `npx projen package:python`.
set -euo pipefail

cd "$(dirname "$0")/../.."
venv=.venv/python-tests

shopt -s nullglob
wheels=(dist/python/*.whl)
shopt -u nullglob
if [ "${#wheels[@]}" -eq 0 ]; then
  echo "test/python/run.sh: no wheel in dist/python; run 'npx projen package:python' first" >&2
  exit 1
fi
if [ "${#wheels[@]}" -gt 1 ]; then
  echo "test/python/run.sh: more than one wheel in dist/python (${wheels[*]}); remove the stale ones" >&2
  exit 1
fi

# A fresh venv each run, so a stale install of an older wheel can never pass the tests.
rm -rf "$venv"
python3 -m venv "$venv"
python="$venv/bin/python"
# aws-cdk-lib, constructs and jsii come from PyPI as the wheel's own dependencies. --no-compile
# skips byte-compiling all of aws-cdk-lib up front (most of the install time); only what the
# tests import gets compiled.
"$python" -m pip install --quiet --disable-pip-version-check --no-compile "${wheels[0]}" -r test/python/requirements.txt

# The dependencies float within the wheel's ranges: log what this run got, to trace a failure to a release.
"$python" -m pip list --disable-pip-version-check 2>/dev/null | grep -E '^(cdk-multi-tenant-gateway|aws-cdk-lib|constructs|jsii|pytest) '
# Bytecode goes inside the venv and the cache plugin is off: nothing is left in the working tree.
export PYTHONPYCACHEPREFIX="$PWD/$venv/pycache"
"$python" -m pytest -v -p no:cacheprovider test/python "$@"

# The Python consumer app through the aws-cdk CLI, with no AWS credentials (test/consumers/run.sh),
# run by this venv's python3.
PATH="$PWD/$venv/bin:$PATH" bash test/consumers/run.sh python
