#!/usr/bin/env bash
# integ-runner's preDeploy hook of integ.gateway.ts (run in this directory, from test/integ/run.sh
# deploy): deploys the test's stack with its first two tenants, so that integ-runner's own deploy,
# with three, is an update that adds a tenant.
set -euo pipefail
: "${INTEG_APP:?run through test/integ/run.sh deploy}" "${INTEG_CDK:?}"
echo "== preDeploy: the gateway with two tenants"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
INTEG_TENANT_COUNT=2 "$INTEG_CDK" deploy MultiTenantGatewayInteg \
  --app "${INTEG_APP//\{filePath\}/integ.gateway.ts}" --output "$out" --require-approval never --no-notices
