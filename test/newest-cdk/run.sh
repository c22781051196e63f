#!/usr/bin/env bash
# Runs jest suites against the newest aws-cdk-lib, constructs and cdk-nag: installs the versions
# .projenrc.ts pins (NEWEST_AWS_CDK_LIB, NEWEST_CONSTRUCTS, NEWEST_CDK_NAG) into the scratch folder
# NEWEST_DIR, outside package.json, unless they are there already, then runs jest with the given
# arguments (`npx projen test:newest-cdk` passes the config that maps the modules onto the folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${NEWEST_AWS_CDK_LIB:?run through npx projen test:newest-cdk}" "${NEWEST_CONSTRUCTS:?}" "${NEWEST_CDK_NAG:?}" "${NEWEST_DIR:?}"
started=$SECONDS

manifest=$(cat <<JSON
{
  "name": "newest-cdk-scratch",
  "private": true,
  "dependencies": {
    "aws-cdk-lib": "$NEWEST_AWS_CDK_LIB",
    "cdk-nag": "$NEWEST_CDK_NAG",
    "constructs": "$NEWEST_CONSTRUCTS"
  }
}
JSON
)
installed() { node -p "require('./$NEWEST_DIR/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(installed aws-cdk-lib) $(installed constructs) $(installed cdk-nag)" != "$NEWEST_AWS_CDK_LIB $NEWEST_CONSTRUCTS $NEWEST_CDK_NAG" ]; then
  echo "== installing aws-cdk-lib $NEWEST_AWS_CDK_LIB, constructs $NEWEST_CONSTRUCTS, cdk-nag $NEWEST_CDK_NAG into $NEWEST_DIR/"
  rm -rf "$NEWEST_DIR"
  mkdir -p "$NEWEST_DIR"
  echo "$manifest" > "$NEWEST_DIR/package.json"
  # Exact versions, no lock file and no install scripts: the folder holds these three and their
  # dependencies, nothing else.
  (cd "$NEWEST_DIR" && npm install --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error)
  echo "   installed after $((SECONDS - started)) s"
fi
echo "== jest on aws-cdk-lib $(installed aws-cdk-lib), constructs $(installed constructs), cdk-nag $(installed cdk-nag)"
npx jest "$@"
