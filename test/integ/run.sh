#!/usr/bin/env bash
# Integration tests (test/integ/integ.*.ts) with integ-runner and @aws-cdk/integ-tests-alpha,
# which are published for some aws-cdk-lib releases only: the versions projenrc/integ.ts pins
# (INTEG_AWS_CDK_LIB, INTEG_CONSTRUCTS, INTEG_TESTS_ALPHA, INTEG_RUNNER) are installed into the
# scratch folder INTEG_DIR, outside package.json, unless they are there already. The apps run from
# source with ts-node; newest-modules.js makes the test and the library load that aws-cdk-lib.
#
#   bash test/integ/run.sh snapshot           # no credentials: synthesize, compare with the committed snapshots
#   bash test/integ/run.sh update-snapshot    # no credentials: write the snapshots again (commit them)
#   bash test/integ/run.sh deploy [args...]   # your credentials: deploy, assert, destroy (docs/integration-tests.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
: "${INTEG_AWS_CDK_LIB:?run through npx projen integ:snapshot}" "${INTEG_CONSTRUCTS:?}" "${INTEG_TESTS_ALPHA:?}" "${INTEG_RUNNER:?}" "${INTEG_DIR:?}"
mode=${1:-snapshot}
shift || true
started=$SECONDS

installed() { node -p "require('./$INTEG_DIR/node_modules/$1/package.json').version" 2>/dev/null || true; }
wanted="$INTEG_AWS_CDK_LIB $INTEG_CONSTRUCTS $INTEG_TESTS_ALPHA $INTEG_RUNNER"
if [ "$(installed aws-cdk-lib) $(installed constructs) $(installed @aws-cdk/integ-tests-alpha) $(installed @aws-cdk/integ-runner)" != "$wanted" ]; then
  echo "== installing aws-cdk-lib $INTEG_AWS_CDK_LIB, constructs $INTEG_CONSTRUCTS, @aws-cdk/integ-tests-alpha $INTEG_TESTS_ALPHA, @aws-cdk/integ-runner $INTEG_RUNNER into $INTEG_DIR/"
  rm -rf "$INTEG_DIR"
  mkdir -p "$INTEG_DIR"
  cat >"$INTEG_DIR/package.json" <<JSON
{
  "name": "integ-scratch",
  "private": true,
  "dependencies": {
    "@aws-cdk/integ-runner": "$INTEG_RUNNER",
    "@aws-cdk/integ-tests-alpha": "$INTEG_TESTS_ALPHA",
    "aws-cdk-lib": "$INTEG_AWS_CDK_LIB",
    "constructs": "$INTEG_CONSTRUCTS"
  }
}
JSON
  (cd "$INTEG_DIR" && npm install --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error)
  echo "   installed after $((SECONDS - started)) s"
fi

export INTEG_DIR=$ROOT/$INTEG_DIR
export TS_NODE_PROJECT=$ROOT/tsconfig.dev.json
export TS_NODE_TRANSPILE_ONLY=true
export CDK_DISABLE_CLI_TELEMETRY=true
# The command that runs a test app; deploy-two-tenants.sh (a preDeploy hook) runs it too.
export INTEG_APP="node -r $ROOT/test/integ/newest-modules.js -r $ROOT/node_modules/ts-node/register {filePath}"
# The project's aws-cdk CLI: newer than the one integ-runner brings, it reads every assembly it writes.
export INTEG_CDK=$ROOT/node_modules/.bin/cdk
runner() { "$INTEG_DIR/node_modules/.bin/integ-runner" --directory test/integ --language typescript --app "$INTEG_APP" "$@"; }

# No AWS credentials of any kind, so a snapshot that differs fails instead of deploying.
no_credentials() {
  local empty
  empty=$(mktemp)
  for variable in $(compgen -e | grep '^AWS_' || true); do unset "$variable"; done
  export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=$empty AWS_SHARED_CREDENTIALS_FILE=$empty
  unset INTEG_HOSTED_ZONE_ID INTEG_ZONE_NAME INTEG_REGION INTEG_AVAILABILITY_ZONES INTEG_TENANT_COUNT
}

case "$mode" in
snapshot)
  no_credentials
  echo "== integ-runner: synthesize test/integ and compare with the committed snapshots"
  runner "$@"
  ;;
update-snapshot)
  no_credentials
  echo "== integ-runner --dry-run: write the snapshots of test/integ again"
  runner --dry-run --force "$@"
  ;;
deploy)
  : "${INTEG_HOSTED_ZONE_ID:?set INTEG_HOSTED_ZONE_ID and INTEG_ZONE_NAME (docs/integration-tests.md)}" "${INTEG_ZONE_NAME:?}"
  echo "== integ-runner: deploy test/integ into the account of your credentials, assert, destroy"
  runner --force --parallel-regions "${INTEG_REGION:-us-east-1}" "$@"
  ;;
*)
  echo "usage: test/integ/run.sh snapshot|update-snapshot|deploy [integ-runner options]" >&2
  exit 2
  ;;
esac
echo "== done after $((SECONDS - started)) s"
